from .away import AwayTask, ContactLog, PersonAway, ReturnReport
from .care import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate
from .notices import Notice, NoticeDelivery
from .offline import OfflineSubmission
from .questionnaire import Questionnaire
from .sweeps import MemberAnswer, Sweep, SweepGrid, Visit
from .tipoffs import TipOff

__all__ = ["AwayTask", "CareCheck", "CareDuty", "CareMember", "CareTeam", "CareTemplate", "ContactLog", "MemberAnswer",
           "Notice", "NoticeDelivery", "OfflineSubmission", "PersonAway", "Questionnaire", "ReturnReport", "Sweep",
           "SweepGrid", "TipOff", "Visit"]
