-- Coupons & content, the rest of the library: member price lists, banner placements and
-- creatives (with uploaded images), message templates that can be edited and archived.
-- What a flow already handed out keeps its own copy of the terms (member_prices, banners,
-- notifications), so editing a library item never changes what a member holds.

-- Member price lists: one rule each (products or categories; a fixed price or a percent off).
CREATE TABLE price_lists (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  description    text NOT NULL DEFAULT '',
  product_ids    integer[] NOT NULL DEFAULT '{}',
  category_ids   integer[] NOT NULL DEFAULT '{}',
  price          numeric(12,2),
  percent_off    numeric(5,2),
  valid_days     integer,
  valid_from     timestamptz(6),
  valid_to       timestamptz(6),
  source_flow_id text,
  archived_at    timestamptz(6),
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  updated_at     timestamptz(6) NOT NULL DEFAULT now(),
  CONSTRAINT price_lists_target CHECK ((cardinality(product_ids) > 0) <> (cardinality(category_ids) > 0)),
  CONSTRAINT price_lists_price CHECK ((price IS NULL) <> (percent_off IS NULL)),
  CONSTRAINT price_lists_price_positive CHECK (price IS NULL OR price > 0),
  CONSTRAINT price_lists_percent_range CHECK (percent_off IS NULL OR (percent_off > 0 AND percent_off < 100)),
  CONSTRAINT price_lists_validity CHECK ((valid_days IS NOT NULL AND valid_days > 0 AND valid_from IS NULL AND valid_to IS NULL)
    OR (valid_days IS NULL AND valid_from IS NOT NULL AND valid_to IS NOT NULL AND valid_to > valid_from))
);

ALTER TABLE member_prices ADD COLUMN price_list_id text REFERENCES price_lists(id);
CREATE INDEX member_prices_price_list ON member_prices (price_list_id, valid_to);

-- Where storefronts show banners: a managed list (the id is what a storefront asks for).
CREATE TABLE banner_placements (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{1,59}$'),
  name        text NOT NULL,
  name_en     text NOT NULL,
  width       integer NOT NULL CHECK (width BETWEEN 16 AND 4096),
  height      integer NOT NULL CHECK (height BETWEEN 16 AND 4096),
  surface     text NOT NULL DEFAULT 'app', -- app, web, miniprogram …
  description text NOT NULL DEFAULT '',
  archived_at timestamptz(6),
  created_at  timestamptz(6) NOT NULL DEFAULT now()
);

INSERT INTO banner_placements (id, name, name_en, width, height, surface, description) VALUES
  ('app_home_top', 'App 首页顶部', 'App home, top', 750, 300, 'app', 'Carousel at the top of the app home screen'),
  ('app_home_popup', 'App 首页弹窗', 'App home, pop-up', 600, 800, 'app', 'Shown once as a pop-up when the app opens'),
  ('web_home_top', '商城首页顶部', 'Web shop home, top', 1200, 400, 'web', 'Hero banner of the web shop home page'),
  ('miniprogram_home_top', '小程序首页顶部', 'Mini-program home, top', 750, 320, 'miniprogram', 'Top of the mini-program home page'),
  ('member_center', '会员中心', 'Member center', 690, 240, 'app', 'Card in the member center');

-- Uploaded images: the bytes live in a blob store (local disk by default); this row says
-- what they are, checked on upload.
CREATE TABLE content_images (
  id            text PRIMARY KEY,
  storage_key   text NOT NULL UNIQUE,
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  bytes         integer NOT NULL CHECK (bytes > 0),
  width         integer NOT NULL CHECK (width > 0),
  height        integer NOT NULL CHECK (height > 0),
  sha256        text NOT NULL,
  original_name text NOT NULL DEFAULT '',
  created_by    text,
  created_at    timestamptz(6) NOT NULL DEFAULT now()
);

-- A banner creative: an image (uploaded, or an https address), title and link, for one placement.
CREATE TABLE banner_creatives (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  placement_id   text NOT NULL REFERENCES banner_placements(id),
  image_id       text REFERENCES content_images(id),
  image_url      text, -- an external https image, when not uploaded
  title          text NOT NULL,
  link           text NOT NULL DEFAULT '/',
  valid_days     integer,
  valid_from     timestamptz(6),
  valid_to       timestamptz(6),
  source_flow_id text,
  archived_at    timestamptz(6),
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  updated_at     timestamptz(6) NOT NULL DEFAULT now(),
  CONSTRAINT banner_creatives_image CHECK ((image_id IS NULL) <> (image_url IS NULL)),
  CONSTRAINT banner_creatives_validity CHECK ((valid_days IS NOT NULL AND valid_days > 0 AND valid_from IS NULL AND valid_to IS NULL)
    OR (valid_days IS NULL AND valid_from IS NOT NULL AND valid_to IS NOT NULL AND valid_to > valid_from))
);
CREATE INDEX banner_creatives_placement ON banner_creatives (placement_id);

ALTER TABLE banners ADD COLUMN creative_id text REFERENCES banner_creatives(id);
CREATE INDEX banners_creative ON banners (creative_id, valid_to);

-- Message templates become a library: described, edited, archived; flows' inline messages land here too.
ALTER TABLE notification_templates
  ADD COLUMN description    text NOT NULL DEFAULT '',
  ADD COLUMN source_flow_id text,
  ADD COLUMN archived_at    timestamptz(6),
  ADD COLUMN updated_at     timestamptz(6) NOT NULL DEFAULT now();

CREATE INDEX notifications_template ON notifications (template_id, created_at);
