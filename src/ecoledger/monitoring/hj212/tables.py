"""HJ 212 code tables as data (hj212.md §2–§5; HJ 212-2017 表5–表9, Appendix B).

Rows only; ``catalogue`` turns them into lookups. Adding a factor or a vendor command is a
new row here, never a new branch in the parser.
"""

from __future__ import annotations

from typing import Final

ParameterRow = tuple[str, str | None, str, str, str | None, str | None]
"""(2017 code, 2005 code, English name, Chinese name, concentration unit, amount unit)."""

PARAMETER_ROWS: Final[tuple[ParameterRow, ...]] = (
    # Air, 表B.2 (HJ 524-2009). Concentrations are the flue-gas units of the table; ambient
    # stations (ST=22) conventionally report gases in µg/m³.
    ("a21026", "02", "Sulphur dioxide", "二氧化硫", "mg/m³", "kg"),
    ("a21002", "03", "Nitrogen oxides", "氮氧化物", "mg/m³", "kg"),
    ("a21003", None, "Nitric oxide", "一氧化氮", "mg/m³", "kg"),
    ("a21004", None, "Nitrogen dioxide", "二氧化氮", "mg/m³", "kg"),
    ("a21005", "04", "Carbon monoxide", "一氧化碳", "mg/m³", "kg"),
    ("a34013", "01", "Smoke dust (particulate matter)", "烟尘", "mg/m³", "kg"),
    ("a19001", "S01", "Oxygen content", "氧气含量", "%", None),
    ("a00000", "B02", "Flue gas flow", "废气", "m³/s", "m³"),
    ("a01011", "S02", "Flue gas velocity", "烟气流速", "m/s", None),
    ("a01012", "S03", "Flue gas temperature", "烟气温度", "°C", None),
    ("a01013", "S08", "Flue gas pressure", "烟气压力", "kPa", None),
    ("a01014", "S05", "Flue gas humidity", "烟气湿度", "%", None),
    ("a01017", "S04", "Flue gas dynamic pressure", "烟气动压", "kPa", None),
    ("a01001", None, "Ambient temperature", "温度", "°C", None),
    ("a01002", None, "Ambient humidity", "湿度", "%", None),
    ("a01006", None, "Atmospheric pressure", "气压", "kPa", None),
    ("a01007", None, "Wind speed", "风速", "m/s", None),
    ("a01008", None, "Wind direction", "风向", "°", None),
    # 表B.2 prints ng/m³ for particulates; GB 3095 and every air station report µg/m³.
    ("a34002", None, "PM10", "可吸入颗粒物(PM10)", "µg/m³", None),
    ("a34004", None, "PM2.5", "细颗粒物(PM2.5)", "µg/m³", None),
    ("a34001", None, "Total suspended particulates", "总悬浮颗粒物", "µg/m³", None),
    # O3 is not in 表B.2; the HJ 524 code is what air stations send.
    ("a05024", None, "Ozone", "臭氧", "µg/m³", None),
    ("a24088", None, "Non-methane hydrocarbons", "非甲烷总烃", "mg/m³", "kg"),
    ("a24087", "25", "Total hydrocarbons", "总烃", "mg/m³", "kg"),
    ("a25002", None, "Benzene", "苯", "mg/m³", "kg"),
    ("a25003", "17", "Toluene", "甲苯", "mg/m³", "kg"),
    ("a25005", "18", "Xylene", "二甲苯", "mg/m³", "kg"),
    ("a21024", "08", "Hydrogen chloride", "氯化氢", "mg/m³", "kg"),
    # 表B.2 prints ng/m³ for ammonia; ammonia slip is measured and limited in mg/m³.
    ("a21001", "10", "Ammonia", "氨", "mg/m³", "kg"),
    ("a21028", "05", "Hydrogen sulphide", "硫化氢", "mg/m³", "kg"),
    ("a20057", "31", "Mercury and its compounds", "汞及其化合物", "mg/m³", "kg"),
    ("a01901", None, "Furnace temperature", "炉膛温度", "°C", None),
    # Water, 表B.1 (HJ 525-2009).
    ("w00000", "B01", "Wastewater flow", "污水", "L/s", "m³"),
    ("w01001", "001", "pH", "pH值", None, None),
    ("w01018", "011", "Chemical oxygen demand (COD)", "化学需氧量", "mg/L", "kg"),
    ("w21003", "060", "Ammonia nitrogen", "氨氮", "mg/L", "kg"),
    ("w21011", "101", "Total phosphorus", "总磷", "mg/L", "kg"),
    ("w21001", "065", "Total nitrogen", "总氮", "mg/L", "kg"),
    ("w01009", None, "Dissolved oxygen", "溶解氧", "mg/L", None),
    ("w01010", None, "Water temperature", "水温", "°C", None),
    ("w01014", None, "Conductivity", "电导率", "µS/cm", None),
    ("w01019", None, "Permanganate index (CODMn)", "高锰酸盐指数", "mg/L", "kg"),
    ("w01020", "015", "Total organic carbon", "总有机碳", "mg/L", "kg"),
    ("w01012", "003", "Suspended solids", "悬浮物", "mg/L", "kg"),
    ("w01017", "010", "Five-day biochemical oxygen demand (BOD5)", "五日生化需氧量", "mg/L", "kg"),
    ("w01003", None, "Turbidity", "浊度", "NTU", None),
    ("w22001", "080", "Petroleum", "石油类", "mg/L", "kg"),
    ("w23002", "110", "Volatile phenol", "挥发酚", "mg/L", "kg"),
    ("w21016", "070", "Cyanide", "氰化物", "mg/L", "kg"),
    ("w20111", "020", "Total mercury", "总汞", "µg/L", "g"),
    ("w20115", "022", "Total cadmium", "总镉", "µg/L", "g"),
    ("w20119", "026", "Total arsenic", "总砷", "µg/L", "g"),
    ("w20120", "027", "Total lead", "总铅", "µg/L", "g"),
    ("w20116", "023", "Total chromium", "总铬", "mg/L", "kg"),
    ("w20117", "024", "Hexavalent chromium", "六价铬", "µg/L", "g"),
    ("w20121", "028", "Total nickel", "总镍", "mg/L", "kg"),
    ("w20122", "029", "Total copper", "总铜", "mg/L", "kg"),
    ("w20123", "030", "Total zinc", "总锌", "mg/L", "kg"),
    # Noise (the standard uses the acoustic symbols themselves as codes).
    ("LA", None, "A-weighted sound level", "A声级", "dB(A)", None),
    ("L5", None, "Percentile sound level L5", "累积百分声级L5", "dB(A)", None),
    ("L10", None, "Percentile sound level L10", "累积百分声级L10", "dB(A)", None),
    ("L50", None, "Percentile sound level L50", "累积百分声级L50", "dB(A)", None),
    ("L90", None, "Percentile sound level L90", "累积百分声级L90", "dB(A)", None),
    ("L95", None, "Percentile sound level L95", "累积百分声级L95", "dB(A)", None),
    ("Leq", None, "Equivalent continuous sound level", "等效声级", "dB(A)", None),
    ("Ldn", None, "Day-night equivalent sound level", "昼夜等效声级", "dB(A)", None),
    ("Ld", None, "Daytime equivalent sound level", "昼间等效声级", "dB(A)", None),
    ("Ln", None, "Night-time equivalent sound level", "夜间等效声级", "dB(A)", None),
    ("LMx", None, "Maximum sound level", "最大声级", "dB(A)", None),
    ("LMn", None, "Minimum sound level", "最小声级", "dB(A)", None),
)

CodeRow = tuple[str, str, str]
"""(code, English name, Chinese name)."""

SYSTEM_ROWS: Final[tuple[CodeRow, ...]] = (
    ("21", "Surface water quality", "地表水质量监测"),
    ("22", "Ambient air quality", "空气质量监测"),
    ("23", "Acoustic environment quality", "声环境质量监测"),
    ("24", "Groundwater quality", "地下水质量监测"),
    ("25", "Soil quality", "土壤质量监测"),
    ("26", "Seawater quality", "海水质量监测"),
    ("27", "Volatile organic compounds", "挥发性有机物监测"),
    ("31", "Air pollution source", "大气环境污染源"),
    ("32", "Surface-water pollution source", "地表水体环境污染源"),
    ("33", "Groundwater pollution source", "地下水体环境污染源"),
    ("34", "Marine pollution source", "海洋环境污染源"),
    ("35", "Soil pollution source", "土壤环境污染源"),
    ("36", "Noise pollution source", "声环境污染源"),
    ("37", "Vibration pollution source", "振动环境污染源"),
    ("38", "Radioactive pollution source", "放射性环境污染源"),
    ("39", "Construction-site dust", "工地扬尘污染源"),
    ("41", "Electromagnetic pollution source", "电磁环境污染源"),
    ("51", "Flue-gas process monitoring", "烟气排放过程监控"),
    ("52", "Wastewater process monitoring", "污水排放过程监控"),
    ("91", "System interaction", "系统交互"),
)

CommandRow = tuple[str, str, str, str]
"""(CN, English name, Chinese name, version that introduced it)."""

COMMAND_ROWS: Final[tuple[CommandRow, ...]] = (
    ("1000", "Set timeout and retry count", "设置超时时间及重发次数", "2017"),
    ("1011", "Get / upload device time", "提取现场机时间", "2017"),
    ("1012", "Set device time", "设置现场机时间", "2017"),
    ("1013", "Device requests time calibration", "现场机时间校准请求", "2017"),
    ("1061", "Get / upload real-time data interval", "提取实时数据间隔", "2017"),
    ("1062", "Set real-time data interval", "设置实时数据间隔", "2017"),
    ("1063", "Get / upload minute data interval", "提取分钟数据间隔", "2017"),
    ("1064", "Set minute data interval", "设置分钟数据间隔", "2017"),
    ("1072", "Set access password", "设置现场机访问密码", "2017"),
    ("2011", "Real-time data", "取污染物实时数据", "2017"),
    ("2012", "Stop real-time data", "停止察看污染物实时数据", "2017"),
    ("2021", "Facility running state", "取设备运行状态数据", "2017"),
    ("2022", "Stop facility running state", "停止察看设备运行状态", "2017"),
    ("2031", "Daily data", "取污染物日历史数据", "2017"),
    ("2041", "Facility running time daily data", "取设备运行时间日历史数据", "2017"),
    ("2051", "Minute data", "取污染物分钟数据", "2017"),
    ("2061", "Hourly data", "取污染物小时数据", "2017"),
    ("2081", "Data logger power-on time", "上传数采仪开机时间", "2017"),
    ("3011", "Zero / span calibration", "零点校准量程校准", "2017"),
    ("3012", "Immediate sampling", "即时采样", "2017"),
    ("3013", "Start cleaning / blowback", "启动清洗/反吹", "2017"),
    ("3014", "Comparison sampling", "比对采样", "2017"),
    ("3015", "Over-limit sample retention", "超标留样", "2017"),
    ("3016", "Set sampling period", "设置采样时间周期", "2017"),
    ("3017", "Get / upload sampling period", "提取采样时间周期", "2017"),
    ("3018", "Get / upload sample output time", "提取出样时间", "2017"),
    ("3019", "Get / upload instrument identifier", "提取设备唯一标识", "2017"),
    ("3020", "Get / upload field unit information", "提取现场机信息", "2017"),
    ("3021", "Set field unit parameter", "设置现场机参数", "2017"),
    ("9011", "Request answer", "请求应答", "2017"),
    ("9012", "Execution result", "执行结果", "2017"),
    ("9013", "Notification answer", "通知应答", "2017"),
    ("9014", "Data answer", "数据应答", "2017"),
    # HJ 212-2025 additions as implemented by one peer (hj212.md §5.6), unverified.
    ("1001", "Upload data logger hardware identifiers", "上传数采仪硬件标识", "2025"),
    ("1002", "Set data logger MN", "设置数采仪MN", "2025"),
    ("1014", "Secret key request / issue", "密钥请求/下发", "2025"),
    ("2013", "Raw data of periodic analysers", "周期性分析仪原始数据", "2025"),
    ("2052", "Single noise measurement", "噪声单次测量数据", "2025"),
    ("2062", "Automatic standard-sample check data", "自动标样核查数据", "2025"),
    ("2111", "Furnace temperature five-minute mean", "炉膛温度5分钟均值", "2025"),
    ("3022", "Immediate sample retention task", "即时留样任务", "2025"),
    ("3024", "Start standard-sample check", "启动标样核查", "2025"),
    ("9015", "Heartbeat", "心跳", "2025"),
)

ReturnRow = tuple[int, str, str]
"""(return value, English meaning, Chinese meaning)."""

REQUEST_RETURN_ROWS: Final[tuple[ReturnRow, ...]] = (
    (1, "Ready to execute the request", "准备执行请求"),
    (2, "Request rejected", "请求被拒绝"),
    (3, "Wrong password (PW)", "PW错误"),
    (4, "Wrong device id (MN)", "MN错误"),
    (5, "Wrong system code (ST)", "ST错误"),
    (6, "Wrong Flag", "Flag错误"),
    (7, "Wrong request id (QN)", "QN错误"),
    (8, "Wrong command (CN)", "CN错误"),
    (9, "CRC check failed", "CRC校验错误"),
    (100, "Unknown error", "未知错误"),
)

EXECUTION_RETURN_ROWS: Final[tuple[ReturnRow, ...]] = (
    (1, "Executed successfully", "执行成功"),
    (2, "Execution failed, reason unknown", "执行失败，但不知道原因"),
    (3, "Request condition error", "命令请求条件错误"),
    (4, "Communication timeout", "通讯超时"),
    (5, "System busy", "系统繁忙不能执行"),
    (6, "System fault", "系统故障"),
    (100, "No data", "没有数据"),
)

DATA_FLAG_ROWS: Final[tuple[CodeRow, ...]] = (
    ("N", "Instrument working normally", "在线监控（监测）仪器仪表工作正常"),
    ("F", "Instrument stopped", "在线监控（监测）仪器仪表停运"),
    ("M", "Produced during maintenance", "在线监控（监测）仪器仪表处于维护期间产生的数据"),
    ("S", "Manually entered set value", "手工输入的设定值"),
    ("D", "Instrument fault", "在线监控（监测）仪器仪表故障"),
    ("C", "Instrument calibrating", "在线监控（监测）仪器仪表处于校准状态"),
    (
        "T",
        "Above the upper limit of the measuring range",
        "在线监控（监测）仪器仪表采样数值超过测量上限",
    ),
    ("B", "Instrument-logger communication abnormal", "在线监控（监测）仪器仪表与数采仪通讯异常"),
)

FACILITY_STATE_ROWS: Final[tuple[ReturnRow, ...]] = (
    (0, "Off", "关闭"),
    (1, "Running", "运行"),
    (2, "Calibrating", "校准"),
    (3, "Maintenance", "维护"),
    (4, "Alarm", "报警"),
    (5, "Blowback", "反吹"),
)
