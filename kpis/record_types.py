"""Any record a connector yields: the helpdesk's (``kpis.records``) and those imported beside it
(``kpis.imported_records``), as one type and as the tuple to check a value against."""

from __future__ import annotations

from kpis.imported_records import Account, RetentionSpend, Review, SurveyAnswer
from kpis.records import Agent, AgentReply, Membership, Rating, SlaEvent, Team, Ticket

Record = (Team | Agent | Membership | Ticket | Rating | SurveyAnswer | Account | RetentionSpend | Review | AgentReply
          | SlaEvent)

RECORD_TYPES: tuple[type, ...] = (Team, Agent, Membership, Ticket, Rating, SurveyAnswer, Account, RetentionSpend,
                                  Review, AgentReply, SlaEvent)
