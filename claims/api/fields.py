"""Serializer fields for JSON bodies that take exactly the type the schema names.

DRF coerces: `"7"` passes as an integer, `7` as a string, `"yes"` as a boolean, and a date or
date-time is anything Python's `fromisoformat` reads ("20250516", "2025-W20-5", no offset).
The schema promises JSON types and RFC 3339, so a client that sends anything else has a bug it
should hear about; these fields refuse it with DRF's own messages.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from rest_framework import serializers

# RFC 3339 full-date and date-time, as OpenAPI's `date` and `date-time` formats mean them.
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class CharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class URLField(serializers.URLField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class ChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


# Ids and versions are 64-bit in both databases; SQLite raises OverflowError (a 500) on a bigger
# number, so the schema states the range and the field refuses what lies outside it.
MAX_INT = 2**63 - 1


class IntegerField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_INT)
        kwargs.setdefault("min_value", -MAX_INT - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class DateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not FULL_DATE.match(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not DATE_TIME.match(value):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss[.uuuuuu]Z (or ±hh:mm)")
        return super().to_internal_value(value)


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated fields are the strict ones above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.URLField: URLField,
        models.IntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.BooleanField: BooleanField,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }
    serializer_choice_field = ChoiceField


class QueryBooleanField(serializers.BooleanField):
    """A boolean in a query string: `true` or `false` (1 or 0), nothing else."""

    TRUE_VALUES = {"true", "1"}
    FALSE_VALUES = {"false", "0"}
