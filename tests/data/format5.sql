DROP TABLE words;
DELETE FROM meta WHERE key IN ('word_bands', 'word_rows', 'common_words');
UPDATE meta SET value = 5 WHERE key = 'format_version';
PRAGMA user_version = 5;
