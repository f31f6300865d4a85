//! The members of a JSONL record that make a document (text, id, title,
//! source, date), read straight from the line: strings without escapes
//! borrowed, other members checked and dropped, no `serde_json::Value`
//! map built. Errors and values are those of reading a `Value`.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;

/// A string or number member as a document's id or metadata: the string,
/// or the number's JSON text as written (`-0`, `1e3`); else `None`.
pub(super) fn field_text(field: Option<Field<'_>>, key: &str, line: &[u8]) -> Option<String> {
    match field? {
        Field::Str(s) => Some(s.into_owned()),
        Field::Number(n) => Some(
            crate::jsonline::raw_value(line, key)
                .and_then(|raw| std::str::from_utf8(raw).ok())
                .map_or_else(|| n.to_string(), str::to_string),
        ),
        Field::Other => None,
    }
}

/// The value of a record member that reading keeps.
#[derive(Clone)]
pub(super) enum Field<'a> {
    /// Borrowed from the line unless it had escapes to decode.
    Str(Cow<'a, str>),
    Number(serde_json::Number),
    /// null, a boolean, an array or an object.
    Other,
}

/// The members of the JSON object `line` named `names` (the last of each
/// name, as a parser keeps it), or `None` when `line` is JSON but not an
/// object. Parsed as a `serde_json::Value` would be, with the same errors
/// (every value is read with `deserialize_any`, numbers range-checked, to
/// the same depth), but no map is built and no other member is copied.
pub(super) fn parse_fields<'a, const N: usize>(
    line: &'a str,
    names: &[&str; N],
) -> serde_json::Result<Option<[Option<Field<'a>>; N]>> {
    let mut de = serde_json::Deserializer::from_str(line);
    let fields = Record(names).deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

/// Reads a record's top level (`parse_fields`).
struct Record<'n, const N: usize>(&'n [&'n str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for Record<'_, N> {
    type Value = Option<[Option<Field<'de>>; N]>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Record<'_, N> {
    type Value = Option<[Option<Field<'de>>; N]>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: [Option<Field<'de>>; N] = std::array::from_fn(|_| None);
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            match key {
                Some(i) => fields[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Some(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A member's name, read as `serde_json::Value` reads it, as its place
/// among the wanted names (the first with that name), or `None`; not copied.
struct Key<'n, const N: usize>(&'n [&'n str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for Key<'_, N> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Key<'_, N> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|n| *n == key))
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(s)))
    }
    // Numbers as `serde_json::Value` keeps them.
    fn visit_i64<E>(self, n: i64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Field<'de>, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Field::Other, Field::Number))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_unit<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<'de>, A::Error> {
        Skip.visit_seq(seq).map(|_| Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<'de>, A::Error> {
        Skip.visit_map(map).map(|_| Field::Other)
    }
}

/// Any JSON value, read (and so checked) and dropped; strings without
/// escapes are not copied.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use crate::corpus::model::ReadOptions;
    use crate::corpus::{parse_record, Parsed};

    /// What a record gave when it was read as a `serde_json::Value`: the
    /// reference the typed reader must equal, problem for problem.
    fn by_value(line: &str, opts: &ReadOptions) -> Result<[Option<String>; 5], String> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("malformed JSON ({e}); skipped"))?;
        let serde_json::Value::Object(mut map) = value else {
            return Err("record is not a JSON object; skipped".into());
        };
        let text = match map.remove(&opts.text_field) {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(format!(
                    "field {:?} is not a string; skipped",
                    opts.text_field
                ))
            }
            None => return Err(format!("no {:?} field; skipped", opts.text_field)),
        };
        let field = |k: &str| match map.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(
                crate::jsonline::raw_value(line.as_bytes(), k)
                    .map_or_else(|| n.to_string(), |r| String::from_utf8_lossy(r).into()),
            ),
            _ => None,
        };
        let id = field(&opts.id_field).or(Some("LOC".into()));
        Ok([
            Some(text),
            id,
            field("title"),
            field("source"),
            field("date"),
        ])
    }

    #[test]
    fn typed_records_read_as_json_values_do() {
        let lines = [
            r#"{"id":"a","text":"one","title":"T","date":"2024-01-02","source":"AP"}"#,
            r#"{"text":"esc\n\"aped\u00e9\ud83d\ude00","id":"i\td"}"#,
            r#"{"id":1,"id":-0,"text":"dup id keeps the last","extra":[1,{"x":null}]}"#,
            r#"{"id":1e3,"text":"number","title":12,"source":true,"date":null}"#,
            r#"{"t\u0065xt":"escaped key","id":{"n":1}}"#,
            r#"{"text":5,"text":"last text wins"}"#,
            r#"{"text":"a","text":5}"#,
            r#"{"text":"big number","x":1e400}"#,
            r#"{"text":"lone surrogate in a skipped member","x":"\ud800"}"#,
            r#"{"text":"bad escape","x":"\q"}"#,
            r#"{"text":"control","x":"a	b"}"#,
            r#"{"text":"trailing"} x"#,
            r#"{"text":"unclosed""#,
            r#"{"text":"key not a string",1:2}"#,
            r#"[1,2]"#,
            r#"[1,2"#,
            r#""just a string""#,
            r#"12"#,
            r#"null"#,
            r#"{}"#,
            r#"{"id":"no text"}"#,
            r#"{"text":"deep","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        ];
        let names = [
            ("text", "id"),
            ("body", "id"),
            ("text", "text"),
            ("title", "id"),
            ("text", "title"),
            ("text", "source"),
        ];
        for (text_field, id_field) in names {
            let opts = ReadOptions {
                text_field: text_field.into(),
                id_field: id_field.into(),
                ..Default::default()
            };
            for line in lines {
                let want = by_value(line, &opts);
                let got = match &parse_record(0, "f", 1, line.as_bytes(), &opts)[..] {
                    [Parsed::Doc(d, _)] => Ok([
                        Some(d.text.clone()),
                        Some(if d.id == "f:1" {
                            "LOC".into()
                        } else {
                            d.id.clone()
                        }),
                        d.title.clone(),
                        d.source.clone(),
                        d.date.clone(),
                    ]),
                    [Parsed::Problem(p)] => Err(p.message.clone()),
                    _ => panic!("one record from {line}"),
                };
                assert_eq!(got, want, "{line} with {text_field:?}, {id_field:?}");
            }
        }
    }
}
