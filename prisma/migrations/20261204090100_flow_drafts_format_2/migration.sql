-- Definition format 2 (server/flows/upgrade.ts): "Set member price" and "Show banner" nodes pick
-- from the library or describe one inline — { list: … } and { banner: … }. Published versions
-- keep their format and are upgraded as they are read; drafts are always today's format, so
-- they are rewritten here, the same way upgradeMemberPriceV1 and upgradeShowBannerV1 do.

CREATE FUNCTION pg_temp.numeric_ids(ids jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'string' AND e #>> '{}' ~ '^\d{1,9}$' THEN to_jsonb((e #>> '{}')::int) ELSE e END ORDER BY o), '[]'::jsonb)
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(ids) = 'array' THEN ids ELSE '[]'::jsonb END) WITH ORDINALITY AS x(e, o)
$$;

CREATE FUNCTION pg_temp.upgrade_node(n jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n->>'kind' = 'member_price' AND jsonb_typeof(n->'config') = 'object' AND NOT (n->'config' ? 'list') THEN
      jsonb_set(n, '{config}', jsonb_build_object('list', jsonb_build_object(
        'mode', 'inline',
        'target', CASE WHEN n->'config'->'target'->>'type' = 'products'
                       THEN jsonb_build_object('type', 'products', 'productIds', pg_temp.numeric_ids(n->'config'->'target'->'productIds'))
                       ELSE jsonb_build_object('type', 'categories', 'categoryIds', pg_temp.numeric_ids(n->'config'->'target'->'categoryIds')) END,
        'price', n->'config'->'price',
        'validDays', n->'config'->'validDays')))
    WHEN n->>'kind' = 'show_banner' AND jsonb_typeof(n->'config') = 'object' AND NOT (n->'config' ? 'banner') THEN
      jsonb_set(n, '{config}', jsonb_build_object('banner', jsonb_build_object('mode', 'inline') || (n->'config')))
    ELSE n END
$$;

UPDATE flows f
SET draft = jsonb_set(f.draft, '{nodes}', (
  SELECT jsonb_agg(pg_temp.upgrade_node(n) ORDER BY o) FROM jsonb_array_elements(f.draft->'nodes') WITH ORDINALITY AS x(n, o)))
WHERE jsonb_typeof(f.draft->'nodes') = 'array'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(f.draft->'nodes') n WHERE n->>'kind' IN ('member_price', 'show_banner'));
