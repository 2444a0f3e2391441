-- The rest of the analyzer's report on live_results (0004 kept the
-- headline metrics): the rate the stream's timestamps claim, the flashes
-- seen in the output (matched or not), the frame-counter latency, the
-- pass-through comparison's detail, how long the output was watched, and
-- the frames of the burst a reader gets when it joins (kept out of the rates).
ALTER TABLE live_results ADD COLUMN fps_from_pts DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN flashes_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN counter_latency_ms DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN counter_frames INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN input_diff DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN compared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN observed_ms DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE live_results ADD COLUMN catch_up_frames INTEGER NOT NULL DEFAULT 0;
