from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin

from ..models import MemberAnswer, Questionnaire, Sweep, Visit


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = Questionnaire
        fields = ["id", "number", "title", "questions", "note", "created_at"]


class SweepSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Sweep
        fields = ["id", "name", "division", "division_name", "areas", "questionnaire", "due_at", "max_attempts",
                  "status", "previous", "households", "created_at"]


class VisitSerializer(serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "sweep", "household", "grid", "grid_name", "assignee", "address", "members", "answered",
                  "found", "status", "attempts", "visited_at"]


class MemberAnswerSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = MemberAnswer
        fields = ["id", "visit", "resident", "kind", "name", "id_number", "phone", "questionnaire", "answers",
                  "presence", "risk", "unchanged", "lead", "registry_updated", "at"]


class CoverageRowSerializer(serializers.Serializer):
    division = serializers.IntegerField()
    division_name = serializers.CharField()
    households = serializers.IntegerField()
    visited = serializers.IntegerField()
    not_home = serializers.IntegerField()
    unmet = serializers.IntegerField()
    refused = serializers.IntegerField()
    unvisited = serializers.IntegerField()
    people = serializers.IntegerField()
    people_visited = serializers.IntegerField()
    people_unmet = serializers.IntegerField()
    people_refused = serializers.IntegerField()
    found = serializers.IntegerField()
