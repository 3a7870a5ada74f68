import datetime
import math

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class School(models.Model):
    """An establishment from Get Information About Schools, keyed by URN."""

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=255)
    phase = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=100, blank=True)
    la_code = models.CharField("LA code", max_length=3, blank=True)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=255, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    day_starts = models.TimeField(default=datetime.time(8, 45))
    day_ends = models.TimeField(default=datetime.time(15, 15))
    inclusion_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_schools",
        limit_choices_to={"role": "inclusion_adviser"},
    )
    headteacher = models.CharField(max_length=255, blank=True)
    named_contact = models.CharField(max_length=255, blank=True)
    named_contact_email = models.EmailField(blank=True)
    dsl_name = models.CharField(
        "designated safeguarding lead", max_length=255, blank=True
    )
    dsl_email = models.EmailField("DSL email", blank=True)

    # Who changed a contact or the school day, as its staff keep them.
    history = HistoricalRecords(excluded_fields=["easting", "northing"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def in_authority(self):
        return self.la_code == settings.AUTHORITY_LA_CODE

    @property
    def address(self):
        return ", ".join(
            part for part in (self.street, self.town, self.postcode) if part
        )

    def distance_km(self, other):
        """Straight-line distance on the British National Grid, or None."""
        if None in (self.easting, self.northing, other.easting, other.northing):
            return None
        metres = math.hypot(
            self.easting - other.easting, self.northing - other.northing
        )
        return metres / 1000
