from .questionnaire import Questionnaire
from .sweeps import MemberAnswer, Sweep, SweepGrid, Visit

__all__ = ["MemberAnswer", "Questionnaire", "Sweep", "SweepGrid", "Visit"]
