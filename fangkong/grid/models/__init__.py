from .away import AwayTask, ContactLog, PersonAway, ReturnReport
from .questionnaire import Questionnaire
from .sweeps import MemberAnswer, Sweep, SweepGrid, Visit
from .tipoffs import TipOff

__all__ = ["AwayTask", "ContactLog", "MemberAnswer", "PersonAway", "Questionnaire", "ReturnReport", "Sweep",
           "SweepGrid", "TipOff", "Visit"]
