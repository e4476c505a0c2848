"""Choice sets of online monitoring."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    AIR_STATION = "air_station", _("Ambient air station")
    MICRO_STATION = "micro_station", _("Air micro-station")
    STACK = "stack", _("Stack (CEMS)")
    WASTEWATER = "wastewater", _("Wastewater outlet")
    WATER_SECTION = "water_section", _("Surface-water section")
    NOISE = "noise", _("Noise monitor")
    DUST = "dust", _("Construction-site dust monitor")


class DataType(models.TextChoices):
    """What a value stands for, after the HJ 212 command that carried it."""

    REALTIME = "rtd", _("Real-time")
    MINUTE = "min", _("Minute")
    HOUR = "hour", _("Hourly")
    DAY = "day", _("Daily")


# HJ 212 command code → data type of the values it uploads.
DATA_TYPE_OF_COMMAND = {
    "2011": DataType.REALTIME,
    "2051": DataType.MINUTE,
    "2061": DataType.HOUR,
    "2031": DataType.DAY,
}


class Transport(models.TextChoices):
    TCP = "tcp", _("HJ 212 over TCP")
    MQTT = "mqtt", _("MQTT")


class AlertKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("Limit exceeded")
    AQI = "aqi", _("Air quality index high")
    WATER_CLASS = "water_class", _("Water below target class")
    MISSING = "missing", _("Data missing")
    FLAT_LINE = "flat_line", _("Flat line")
    OUT_OF_RANGE = "out_of_range", _("Value out of range")
    DEVICE = "device", _("Device fault or maintenance")


DATA_QUALITY_KINDS = frozenset(
    {AlertKind.MISSING, AlertKind.FLAT_LINE, AlertKind.OUT_OF_RANGE, AlertKind.DEVICE}
)


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


ACTIVE_ALERT_STATES = frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED})

# Device data flags (HJ 212-2017 表8) under which a value is not a valid measurement.
INVALID_FLAGS = frozenset({"F", "M", "S", "D", "C", "T", "B"})
