-- What two statute-derived models need and the publication layout lacks:
-- the date of the illegal act (追责时效, 行政处罚法第三十六条: a penalty
-- given more than two years — five where life, health or financial safety is
-- at stake — after the act) and the surcharge on a late fine (加处罚款,
-- 行政处罚法第七十二条, capped at the fine by 行政强制法第四十五条).
ALTER TABLE penalties ADD COLUMN act_date {{DATE}};
ALTER TABLE penalties ADD COLUMN surcharge_fen BIGINT NOT NULL DEFAULT 0;
