"""parse_stream turns captured traffic into JSON-ready dicts, one per packet or problem."""

from __future__ import annotations

import io
import json
from pathlib import Path

from ecoledger.monitoring.hj212 import LENIENT, packet_to_dict, parse_packet, parse_stream

EXAMPLES = [
    line + b"\r\n" for line in Path(__file__).with_name("examples.txt").read_bytes().splitlines()
]


def test_a_byte_stream_gives_one_dict_per_packet_and_error_in_order() -> None:
    stream = io.BytesIO(EXAMPLES[0] + b"junk" + EXAMPLES[1])

    results = list(parse_stream(stream))

    assert [result.get("cn") for result in results] == ["1062", None, "2011"]
    assert results[1] == {
        "error": "garbage",
        "message": "4 bytes skipped from byte 113: not part of any packet (starts 'junk')",
        "offset": len(EXAMPLES[0]),
    }
    assert results[2]["offset"] == len(EXAMPLES[0]) + 4


def test_the_dicts_are_json_serialisable_with_decimals_as_strings() -> None:
    [result] = parse_stream([EXAMPLES[3]])

    reloaded = json.loads(json.dumps(result))
    cod = reloaded["cp"]["readings"][1]
    assert cod == {
        "code": "w01018", "parameter": "w01018",
        "values": {"Cou": "2.52", "Min": "38.2", "Avg": "40.1", "Max": "42.0"},
        "flag": "N", "eflag": None, "sample_time": None, "info": None, "sn": None, "extra": {},
    }  # fmt: skip
    assert reloaded["cp"]["fields"] == {"DataTime": "2024-06-01T08:00:00"}
    assert (reloaded["version"], reloaded["needs_answer"], reloaded["quirks"]) == ("2017", True, [])


def test_a_packet_error_gives_its_offset_from_the_start_of_the_input() -> None:
    broken = EXAMPLES[1][:-6] + b"F282\r\n"

    results = list(parse_stream([EXAMPLES[0], broken]))

    assert results[1]["error"] == "bad_crc"
    assert results[1]["offset"] == len(EXAMPLES[0]) + len(broken) - 6
    assert f"(at byte {results[1]['offset']})" in str(results[1]["message"])


def test_a_file_with_one_packet_per_line_and_bare_line_feeds_parses_in_lines_mode() -> None:
    text = b"".join(packet[:-2] + b"\n" for packet in EXAMPLES[:3]) + b"\n" + EXAMPLES[6][:-2]

    results = list(parse_stream(io.BytesIO(text), lines=True))

    assert [result["cn"] for result in results] == ["1062", "2011", "9014", "9011"]
    assert results[1]["offset"] == len(EXAMPLES[0]) - 1


def test_lines_mode_reports_a_bad_line_and_goes_on() -> None:
    results = list(parse_stream([b"##00A1QN=1;CP=&&&&FFFF\r\n", EXAMPLES[0]], lines=True))

    assert results[0] == {
        "error": "bad_length",
        "message": "length field '00A1' is not 4 decimal digits (at byte 2)",
        "offset": 2,
    }
    assert results[1]["cn"] == "1062"


def test_quirks_are_listed_when_a_lenient_parse_used_them() -> None:
    lower = EXAMPLES[0][:-6] + EXAMPLES[0][-6:-2].lower() + b"\r\n"

    [result] = parse_stream([lower], compat=LENIENT)

    assert result["quirks"] == ["lowercase_crc"]


def test_facility_states_and_info_texts_appear_in_the_dict() -> None:
    packet = parse_packet(EXAMPLES[5])

    result = packet_to_dict(packet, offset=7)

    assert result["offset"] == 7
    assert result["cp"]["readings"][0]["info"] == "清洗管路"  # type: ignore[index]
