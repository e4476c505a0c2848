"""The phrases of each workflow step of the synthetic problems (Chinese, as officials write)."""

from __future__ import annotations

from ecoledger.ledger.choices import Origin

ORIGIN_LEADS = {
    Origin.INSPECTION: "省生态环境保护督察组交办：",
    Origin.PATROL: "日常巡查发现：",
    Origin.MONITORING: "在线监测预警：",
    Origin.REMOTE_SENSING: "卫星遥感监测发现疑似问题图斑，经现场核查：",
    Origin.MEDIA: "媒体曝光：",
    Origin.SELF_CHECK: "部门自查发现：",
}
INSPECTION_CHANNEL = "第三轮省级生态环境保护督察"
HOTLINE_CHANNEL = "12345政务服务便民热线"
ALERT_CHANNEL = "环境监测预警平台"
PATROL_CHANNEL = "网格化日常巡查"

VERIFY_NOTE = "经核实，问题属实，交由{lead}牵头办理，请按期完成整改。"
DISMISS_REASONS = (
    "经现场核查，反映问题不属实。",
    "与已登记问题重复，已合并办理。",
    "经核实，问题在交办前已整改到位。",
    "不属于生态环境问题，已转交相关部门处理。",
)
CONTEST_REASON = "经核查，该问题属于{other}职责范围，不属于本单位职责，申请退回。"
UPHOLD_REASON = "经研究，按照“管发展必须管环保、管行业必须管环保”原则，维持原交办意见。"
REASSIGN_REASON = "经核实，该问题改由{lead}牵头办理，{district}配合落实属地责任。"
EXTENSION_REASONS = (
    "受连续降雨天气影响，施工无法正常开展，申请延长整改期限。",
    "整改涉及设备采购和安装调试，周期较长，申请延期。",
    "整改需多部门协调推进，申请延长整改期限。",
)
EXTENSION_APPROVED = "同意延期，请倒排工期、加快推进。"
EXTENSION_REFUSED = "延期理由不充分，请按原期限完成整改。"
DIRECT_EXTENSION_REASON = "受汛期影响，统一顺延整改期限。"
PROGRESS_DONE = "已完成：{measure}。"
PROGRESS_TAILS = (
    "现场已核查，照片见附件。",
    "下一步将持续巡查，巩固整改成效。",
    "已安排专人负责，确保不反弹。",
)
PROGRESS_INTERIM = (
    "整改工作有序推进，已完成约{pct}%的工程量。",
    "已召开专题会议部署整改工作，明确责任分工和时间节点。",
    "施工队伍已进场，正在按方案推进整改。",
    "受天气影响进度略有滞后，已增派人员加快推进。",
)
ENTERPRISE_PROGRESS = "企业已按要求落实整改，投入资金约{n}万元，相关台账已补充完善。"
SUBMIT_SUMMARY = "{count}项整改措施已全部完成，整改前后对比照片已上传，申请验收销号。"
RESUBMIT_SUMMARY = "已按验收意见补充整改并上传现场佐证材料，申请重新验收。"
ACCEPT_OPINIONS = (
    "经现场核查，整改措施已落实到位，问题已整改完成，同意销号。",
    "经查阅整改材料并现场复核，整改达到要求，同意验收。",
)
MONITORING_ACCEPT_OPINION = "经复核，在线监测数据连续达标，同意销号。"
REJECT_REASONS = (
    "现场复核发现仍有部分问题未整改到位，佐证材料不充分，请继续整改。",
    "整改后照片与问题点位不符，请补充现场佐证材料。",
    "整改措施未形成长效机制，请补充完善后重新提交。",
)
COMPLAINT_REBOUND_REASON = "群众再次投诉，现场复查发现问题出现反弹。"
FOLLOWUP_STABLE = (
    "现场复查，整改措施保持到位，未发现问题反弹。",
    "“回头看”检查：现场整洁，长效管理台账完整，整改成效得到巩固。",
    "复查未发现原问题，走访周边群众，反映情况明显好转。",
    "整改成果保持良好，已提醒责任单位继续加强日常巡查。",
)
FOLLOWUP_REBOUND = (
    "现场复查发现原问题再次出现，整改成效未巩固。",
    "“回头看”检查发现问题反弹，长效管理措施未落实到位。",
)
REBOUND_MEASURE = ("建立长效巡查机制，每周至少巡查一次并留存记录", "属地街道（镇）")
LINK_NOTES = {
    "same_source": "同一污染源的相关问题，统筹整改。",
    "same_water_body": "同一河湖的相关问题，按流域统筹治理。",
}
