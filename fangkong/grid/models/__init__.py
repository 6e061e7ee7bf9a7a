from .away import AwayTask, ContactLog, PersonAway, ReturnReport
from .offline import OfflineSubmission
from .questionnaire import Questionnaire
from .sweeps import MemberAnswer, Sweep, SweepGrid, Visit
from .tipoffs import TipOff

__all__ = ["AwayTask", "ContactLog", "MemberAnswer", "OfflineSubmission", "PersonAway", "Questionnaire", "ReturnReport",
           "Sweep", "SweepGrid", "TipOff", "Visit"]
