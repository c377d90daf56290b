//! UserData: a Rust type with methods, fields and metamethods, used from
//! Lua; the host reads the same value after the script ran.
//!
//! Run with `cargo run -p lunar --example userdata`.

use lunar::{AnyUserData, MetaMethod, State, UserData, UserDataFields, UserDataMethods};

/// A rate limiter the host owns and scripts consult.
struct Bucket {
    capacity: u32,
    tokens: u32,
    denied: u32,
}

impl UserData for Bucket {
    fn add_fields(f: &mut UserDataFields<Self>) {
        // `b.tokens` reads; `b.capacity = n` writes (with a check).
        f.add_field_method_get("tokens", |_, b| Ok(b.tokens));
        f.add_field_method_get("capacity", |_, b| Ok(b.capacity));
        f.add_field_method_set("capacity", |_, b, n: u32| {
            if n == 0 {
                return Err(lunar::Error::runtime("capacity must be positive"));
            }
            b.capacity = n;
            b.tokens = b.tokens.min(n);
            Ok(())
        });
    }

    fn add_methods(m: &mut UserDataMethods<Self>) {
        // `b:take(n)` changes the bucket: a `&mut self` method.
        m.add_method_mut("take", |_, b, n: Option<u32>| {
            let n = n.unwrap_or(1);
            if b.tokens >= n {
                b.tokens -= n;
                Ok(true)
            } else {
                b.denied += 1;
                Ok(false)
            }
        });
        m.add_method_mut("refill", |_, b, ()| {
            b.tokens = b.capacity;
            Ok(())
        });
        m.add_meta_method(MetaMethod::ToString, |_, b, ()| {
            Ok(format!("Bucket({}/{})", b.tokens, b.capacity))
        });
        m.add_meta_method(MetaMethod::Len, |_, b, ()| Ok(b.tokens));
    }
}

fn main() -> lunar::Result<()> {
    let mut state = State::new();
    let bucket: AnyUserData = state.create_userdata(Bucket {
        capacity: 3,
        tokens: 3,
        denied: 0,
    })?;
    state.set_global("bucket", bucket.clone())?;

    let report: String = state.exec(
        "script.lua",
        r#"
        local lines = {}
        for i = 1, 5 do
            lines[#lines + 1] = ("request %d: %s, %s"):format(i, tostring(bucket:take()), tostring(bucket))
        end
        bucket.capacity = 10
        bucket:refill()
        lines[#lines + 1] = ("after refill: %d tokens (#bucket = %d)"):format(bucket.tokens, #bucket)
        return table.concat(lines, "\n")
        "#,
    )?;
    println!("{report}");

    // Errors from Lua's side use Lua's words.
    let err = state
        .exec::<()>("bad.lua", "bucket.capacity = 0")
        .unwrap_err();
    println!("error: {err}");
    let err = state.exec::<()>("bad.lua", "bucket.take({})").unwrap_err();
    println!("error: {err}");

    // The host reads the same value the script changed.
    let denied = bucket.borrow(&mut state, |b: &Bucket| b.denied)?;
    println!("host sees {denied} denied requests");
    Ok(())
}
