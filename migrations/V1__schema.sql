-- Tenants, their catalog, raw feedback (append-only) and bucketed counters.
-- Counters are a cache of the feedback table: `cxpulse verify` recomputes them from it.

CREATE TABLE tenant (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    time_zone   text NOT NULL,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE touchpoint (
    tenant      text NOT NULL REFERENCES tenant (id),
    code        text NOT NULL,
    name        text NOT NULL,
    name_zh     text,
    stage       text,
    ord         integer NOT NULL DEFAULT 0,
    targets     jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant, code)
);

CREATE TABLE reason (
    tenant      text NOT NULL REFERENCES tenant (id),
    code        text NOT NULL,
    parent      text,
    label       text NOT NULL,
    label_zh    text,
    kind        text,
    ord         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, code)
);

-- One row per response. (tenant, event_id) makes retries idempotent.
CREATE TABLE feedback (
    tenant          text NOT NULL,
    event_id        text NOT NULL,
    touchpoint      text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    channel         text,
    customer_id     text,
    nps             smallint CHECK (nps BETWEEN 0 AND 10),
    csat            smallint CHECK (csat BETWEEN 1 AND 5),
    csat3           smallint CHECK (csat3 BETWEEN 1 AND 3),
    ces             smallint CHECK (ces BETWEEN 1 AND 7),
    rater_reliability    smallint CHECK (rater_reliability BETWEEN 1 AND 5),
    rater_assurance      smallint CHECK (rater_assurance BETWEEN 1 AND 5),
    rater_tangibles      smallint CHECK (rater_tangibles BETWEEN 1 AND 5),
    rater_empathy        smallint CHECK (rater_empathy BETWEEN 1 AND 5),
    rater_responsiveness smallint CHECK (rater_responsiveness BETWEEN 1 AND 5),
    reasons         text[],
    sub_reasons     text[],
    value_ratings   jsonb,
    comment         text,
    contact_consent boolean NOT NULL DEFAULT false,
    segment         jsonb,
    PRIMARY KEY (tenant, event_id)
);

CREATE INDEX feedback_tenant_occurred ON feedback (tenant, occurred_at);
CREATE INDEX feedback_tenant_touchpoint_occurred ON feedback (tenant, touchpoint, occurred_at);

-- Mergeable sums only, never ratios. One row per (bucket, metric, key, index):
--   grain 'm' = UTC minute, bucket = epoch minute;
--   grain 'q' = UTC quarter hour, bucket = epoch minute of its start (every time zone offset
--               is a multiple of 15 minutes, so local hours and days are unions of quarters);
--   grain 'd' = the tenant's local day, bucket = epoch day of that local date.
--   metric 'responses' idx 0; 'nps' idx 0..10; 'csat' 1..5; 'csat3' 1..3; 'ces' 1..7;
--   'rater' key = dimension, idx 1..5; 'reason' key = code, idx 0 detractor, 1 passive,
--   2 promoter, 3 chosen without an NPS score; 'value' key = element, idx 0..10;
--   'comment' idx 0.
CREATE TABLE counter (
    tenant      text NOT NULL,
    touchpoint  text NOT NULL,
    grain       "char" NOT NULL,
    bucket      bigint NOT NULL,
    metric      text NOT NULL,
    key         text NOT NULL DEFAULT '',
    idx         smallint NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (tenant, touchpoint, grain, bucket, metric, key, idx)
);
