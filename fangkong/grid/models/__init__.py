from .away import AwayTask, ContactLog, PersonAway, ReturnReport
from .care import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate
from .notices import Notice, NoticeDelivery
from .questionnaire import Questionnaire
from .sweeps import MemberAnswer, Sweep, SweepGrid, Visit

__all__ = ["AwayTask", "CareCheck", "CareDuty", "CareMember", "CareTeam", "CareTemplate", "ContactLog", "MemberAnswer", "Notice", "NoticeDelivery", "PersonAway", "Questionnaire", "ReturnReport", "Sweep",
           "SweepGrid", "Visit"]
