"""HJ 212 codec: framing, parsing and building of monitoring-data packets.

Pure Python and standard library only — no Django import anywhere in this package — so the
receiver, the simulator and the command line share one codec that tests run without a
database. The receiver's pipeline is ``Framer.feed`` → ``parse_packet`` →
``SplitPacketAssembler.add``, answering with ``build_data_answer`` when
``Packet.needs_answer`` is set.
"""

from __future__ import annotations

from ecoledger.monitoring.hj212.builder import (
    build_packet,
    encode_data_area,
    format_data_area,
    frame_segment,
    reading_pairs,
)
from ecoledger.monitoring.hj212.catalogue import (
    COMMANDS,
    DATA_FLAGS,
    EXECUTION_RETURNS,
    FACILITY_STATES,
    PARAMETERS,
    REQUEST_RETURNS,
    SYSTEMS,
    CodeEntry,
    Command,
    Parameter,
    ReturnCode,
    lookup_parameter,
)
from ecoledger.monitoring.hj212.commands import (
    Device,
    build_command,
    build_data_answer,
    build_execution_result,
    build_get_device_time,
    build_history_request,
    build_notification_answer,
    build_request_answer,
    build_set_device_time,
    build_set_min_interval,
    build_set_password,
    build_set_rtd_interval,
    build_set_timeout,
    build_start_facility_state,
    build_start_realtime,
    build_stop_facility_state,
    build_stop_realtime,
    make_qn,
)
from ecoledger.monitoring.hj212.compat import LENIENT, STRICT, Compat, Quirk
from ecoledger.monitoring.hj212.cp import DataArea, FacilityReading, FactorReading
from ecoledger.monitoring.hj212.crc import crc16_hj212, crc16_modbus
from ecoledger.monitoring.hj212.errors import HJ212Error, Reason
from ecoledger.monitoring.hj212.flags import REQUEST_FLAG, ProtocolVersion
from ecoledger.monitoring.hj212.framer import Frame, Framer, FramingError
from ecoledger.monitoring.hj212.packet import Packet, parse_packet
from ecoledger.monitoring.hj212.reassembly import (
    AbandonedGroup,
    Reassembly,
    SplitPacketAssembler,
)
from ecoledger.monitoring.hj212.stream import packet_to_dict, parse_stream

__all__ = [
    "COMMANDS",
    "DATA_FLAGS",
    "EXECUTION_RETURNS",
    "FACILITY_STATES",
    "LENIENT",
    "PARAMETERS",
    "REQUEST_FLAG",
    "REQUEST_RETURNS",
    "STRICT",
    "SYSTEMS",
    "AbandonedGroup",
    "CodeEntry",
    "Command",
    "Compat",
    "DataArea",
    "Device",
    "FacilityReading",
    "FactorReading",
    "Frame",
    "Framer",
    "FramingError",
    "HJ212Error",
    "Packet",
    "Parameter",
    "ProtocolVersion",
    "Quirk",
    "Reason",
    "Reassembly",
    "ReturnCode",
    "SplitPacketAssembler",
    "build_command",
    "build_data_answer",
    "build_execution_result",
    "build_get_device_time",
    "build_history_request",
    "build_notification_answer",
    "build_packet",
    "build_request_answer",
    "build_set_device_time",
    "build_set_min_interval",
    "build_set_password",
    "build_set_rtd_interval",
    "build_set_timeout",
    "build_start_facility_state",
    "build_start_realtime",
    "build_stop_facility_state",
    "build_stop_realtime",
    "crc16_hj212",
    "crc16_modbus",
    "encode_data_area",
    "format_data_area",
    "frame_segment",
    "lookup_parameter",
    "make_qn",
    "packet_to_dict",
    "parse_packet",
    "parse_stream",
    "reading_pairs",
]
