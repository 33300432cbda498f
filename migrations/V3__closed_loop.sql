-- Closed loop (follow-up cases of consenting detractors, with their audit trail) and outcomes
-- (O-data: what customers did afterwards), linked to feedback by customer_id.

-- One case per consenting detractor response, opened in the transaction that stores the
-- response, so a retry never opens a second one and a crash never loses one.
-- opened_at is when the server received the response (the SLA runs from when we could know),
-- due_at = opened_at + the tenant's caseSlaHours (default 24) for the first response.
CREATE TABLE follow_up_case (
    id                bigserial PRIMARY KEY,
    tenant            text NOT NULL,
    event_id          text NOT NULL,
    touchpoint        text NOT NULL,
    customer_id       text,
    nps               smallint NOT NULL,
    reasons           text[],
    sub_reasons       text[],
    comment           text,
    occurred_at       timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'contacted', 'resolved', 'closed')),
    assignee          text,
    opened_at         timestamptz NOT NULL,
    due_at            timestamptz NOT NULL,
    first_response_at timestamptz,
    resolved_at       timestamptz,
    closed_at         timestamptz,
    sla_alerted_at    timestamptz,
    version           integer NOT NULL DEFAULT 1,
    UNIQUE (tenant, event_id)
);

CREATE INDEX follow_up_case_tenant_opened ON follow_up_case (tenant, opened_at DESC, id DESC);
-- The SLA watcher and the open-case counts only look at open cases.
CREATE INDEX follow_up_case_open_due ON follow_up_case (tenant, due_at) WHERE status = 'open';

-- Audit trail: every change of a case, by whom (the token's sub).
CREATE TABLE case_event (
    id          bigserial PRIMARY KEY,
    tenant      text NOT NULL,
    case_id     bigint NOT NULL REFERENCES follow_up_case (id),
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    assignee    text,
    note        text
);

CREATE INDEX case_event_case ON case_event (case_id, id);

-- Operational outcomes. (tenant, event_id) makes retries idempotent.
CREATE TABLE outcome (
    tenant      text NOT NULL,
    event_id    text NOT NULL,
    customer_id text NOT NULL,
    type        text NOT NULL,
    amount      numeric(14, 2) CHECK (amount >= 0),
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    referred    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant, event_id)
);

CREATE INDEX outcome_tenant_customer ON outcome (tenant, customer_id, occurred_at);
CREATE INDEX outcome_tenant_occurred ON outcome (tenant, occurred_at);
-- Linking responses to outcomes goes by customer.
CREATE INDEX feedback_tenant_customer ON feedback (tenant, customer_id, occurred_at) WHERE customer_id IS NOT NULL;
