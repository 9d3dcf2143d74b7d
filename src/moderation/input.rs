//! Reading an input line's fields straight from its JSON: only `id`, `text`,
//! `channel` and `format` are kept (as values, for [`super::item_from`] to
//! check), and no map of the whole object is built.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// An input line: an object's fields, or what other JSON it was.
// One at a time, on the stack: a box for the fields would be the allocation
// this reading saves.
#[allow(clippy::large_enum_variant)]
pub(super) enum Input {
    Object(Fields),
    /// Not an object: its JSON type, as [`super::kind`] names it.
    Other(&'static str),
}

/// The fields an item is made of, as they were given (the last of a repeated
/// one, as in a map of the object).
#[derive(Default)]
pub(super) struct Fields {
    pub id: Option<Value>,
    pub text: Option<Value>,
    pub channel: Option<Value>,
    pub format: Option<Value>,
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Input, D::Error> {
        deserializer.deserialize_any(InputVisitor)
    }
}

struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = Input;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Input, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Id => &mut fields.id,
                Key::Text => &mut fields.text,
                Key::Channel => &mut fields.channel,
                Key::Format => &mut fields.format,
                // Read as a value all the same, so that a line is refused for
                // what a map of the object refuses it for (a number out of
                // range, say), wherever it is.
                Key::Other => {
                    map.next_value::<Value>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(Input::Object(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(other(Value::Array(Vec::new())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Input, E> {
        Ok(other(Value::Null))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Input, E> {
        Ok(other(Value::Bool(false)))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Input, E> {
        Ok(other(Value::from(0)))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Input, E> {
        Ok(other(Value::from(0)))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Input, E> {
        Ok(other(Value::from(0)))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Input, E> {
        Ok(other(Value::String(String::new())))
    }
}

/// A line that is JSON but not an object, named as [`super::kind`] names a
/// value of its type (an empty one stands for it: nothing of it is kept).
fn other(like: Value) -> Input {
    Input::Other(super::kind(&like))
}

/// A field's name, told apart without being copied.
enum Key {
    Id,
    Text,
    Channel,
    Format,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match name {
            "id" => Key::Id,
            "text" => Key::Text,
            "channel" => Key::Channel,
            "format" => Key::Format,
            _ => Key::Other,
        })
    }
}
