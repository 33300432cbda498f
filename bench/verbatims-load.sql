-- Loads :rows responses with comments into tenant demo, spread evenly over the last 30 days, for
-- bench/reads.sh (verbatim search at scale). Half English, half Chinese; each comment is 1–3 sentences
-- of a pool of 15 per language (English 50–190 characters, Chinese 12–50), and 1 in 10,000 rows of
-- each language carries a rare phrase ("compressor rattles" / "压缩机生锈异响"). Rows go straight into
-- feedback, behind the counters' back: only raw-row reads (verbatims) are meaningful afterwards, and
-- `cxpulse verify` would report differences. psql -v rows=300000 -f bench/verbatims-load.sql
\set ON_ERROR_STOP 1
CREATE TEMP TABLE pool_en(i int, s text);
INSERT INTO pool_en SELECT row_number() OVER (), s FROM unnest(ARRAY[
  'Waited forty minutes on hold before anyone picked up.',
  'The technician was friendly and fixed the fridge on the first visit.',
  'Delivery arrived two days late and nobody called to explain.',
  'Billing charged me twice for the same installation fee.',
  'Great service, the staff explained every step clearly.',
  'The app keeps logging me out when I try to book a repair.',
  'Store staff were patient and helped me compare three models.',
  'Still waiting for a refund after returning the washing machine.',
  'Installer left packaging everywhere and scratched the floor.',
  'Quick answer in the online chat, problem solved in five minutes.',
  'Price was higher than the website said, very disappointing.',
  'Repair visit was on time and the engineer was very professional.',
  'I had to explain my problem three times to different agents.',
  'Good value for money, would recommend to friends and family.',
  'The hotline queue is too long in the evening.']) s;
CREATE TEMP TABLE pool_zh(i int, s text);
INSERT INTO pool_zh SELECT row_number() OVER (), s FROM unnest(ARRAY[
  '排队等了很久才有人接电话。', '师傅很专业，一次就修好了冰箱。', '送货晚了两天，也没有人提前通知。',
  '安装费被重复扣了两次，请尽快处理。', '服务态度很好，每一步都解释得很清楚。', 'App预约维修总是闪退，体验很差。',
  '门店店员很耐心，帮我比较了三款型号。', '退货以后退款一直没有到账。', '安装工人把包装丢得到处都是，还刮花了地板。',
  '在线客服回复很快，五分钟就解决了问题。', '价格比官网标的贵，很失望。', '上门维修很准时，工程师非常专业。',
  '同一个问题要跟不同的客服讲三遍。', '性价比很高，会推荐给亲戚朋友。', '晚上热线排队时间太长了。']) s;

INSERT INTO feedback (tenant, event_id, touchpoint, occurred_at, received_at, nps, reasons, sub_reasons, comment, segment)
SELECT 'demo', 'vb-' || g,
       (ARRAY['website','online-chat','store-reception','billing','delivery-install','app','hotline','onsite-repair','returns'])[1 + g % 9],
       now() - (g::float8 / :rows) * interval '30 days', now(),
       (g::bigint * 7919 % 11)::int2, ARRAY[]::text[], ARRAY[]::text[],
       CASE WHEN g % 2 = 0 THEN
         (SELECT string_agg(p.s, ' ') FROM generate_series(1, 1 + (g * 31 % 3)) k
            JOIN pool_en p ON p.i = 1 + (g * 13 + k * 7 + (g / 15)) % 15)
         || CASE WHEN g % 10000 = 0 THEN ' The compressor rattles at night.' ELSE '' END
       ELSE
         (SELECT string_agg(p.s, '') FROM generate_series(1, 1 + (g * 31 % 3)) k
            JOIN pool_zh p ON p.i = 1 + (g * 13 + k * 7 + (g / 15)) % 15)
         || CASE WHEN g % 10000 = 1 THEN '冰箱压缩机生锈异响。' ELSE '' END
       END,
       jsonb_build_object('region', (ARRAY['east','south','north','west'])[1 + g % 4])
FROM generate_series(1, :rows) g;
ANALYZE feedback;
SELECT count(*) AS comments_30d, round(avg(length(comment))) AS avg_chars,
       count(*) FILTER (WHERE comment ILIKE '%queue%') AS queue, count(*) FILTER (WHERE comment ILIKE '%排队%') AS "排队",
       count(*) FILTER (WHERE comment ILIKE '%compressor%') AS compressor, count(*) FILTER (WHERE comment ILIKE '%压缩机%') AS "压缩机"
FROM feedback WHERE tenant = 'demo' AND comment IS NOT NULL AND occurred_at > now() - interval '30 days';
SELECT pg_size_pretty(pg_relation_size('feedback')) AS feedback_heap,
       pg_size_pretty(pg_relation_size('feedback_comment_trgm')) AS trgm_index,
       current_setting('lc_ctype') AS lc_ctype, current_setting('server_version') AS pg;
SELECT show_trgm('排队等了很久') AS zh_trigrams, show_trgm('queue') AS en_trigrams;
