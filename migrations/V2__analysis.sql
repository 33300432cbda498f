-- Analysis: counters per counted segment value, and text search over verbatim comments.

-- The counter table again, per segment value: the same grains, buckets, metrics, keys and
-- indexes as `counter` (see V1), for the segment keys a tenant counts (catalog `segments`).
-- Written in the same transaction as the raw rows; pruned like `counter`; `cxpulse verify`
-- recounts it from feedback.segment.
CREATE TABLE segment_counter (
    tenant      text NOT NULL,
    touchpoint  text NOT NULL,
    seg_key     text NOT NULL,
    seg_value   text NOT NULL,
    grain       "char" NOT NULL,
    bucket      bigint NOT NULL,
    metric      text NOT NULL,
    key         text NOT NULL DEFAULT '',
    idx         smallint NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (tenant, seg_key, seg_value, touchpoint, grain, bucket, metric, key, idx)
);

-- Leaderboards read every value of one key over a window.
CREATE INDEX segment_counter_key_bucket ON segment_counter (tenant, seg_key, grain, bucket);

-- Verbatim search: trigram matching works for any script (Chinese has no word boundaries for
-- a full-text parser to find), and ILIKE '%…%' uses the index for queries of 3+ characters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX feedback_comment_trgm ON feedback USING gin (comment gin_trgm_ops) WHERE comment IS NOT NULL;
-- Latest-first paging of comments within a tenant.
CREATE INDEX feedback_tenant_comment_latest ON feedback (tenant, occurred_at DESC, event_id DESC) WHERE comment IS NOT NULL;
