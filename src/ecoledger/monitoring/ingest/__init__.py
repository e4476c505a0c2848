"""Turning device data into readings: shared by the HJ 212 receiver and the MQTT subscriber."""
