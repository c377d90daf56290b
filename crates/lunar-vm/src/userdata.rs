//! Full userdata: a block of host data with a metatable and user values.

use crate::gc::{Marker, Trace};
use crate::table::Table;
use crate::value::Value;
use std::any::Any;
use std::cell::{Cell, RefCell};

/// The heap object behind a full userdata value.
pub struct UserData {
    /// The host's data.
    pub data: RefCell<Box<dyn Any + Send>>,
    /// The metatable, if any.
    pub metatable: Cell<Option<crate::gc::Gc<Table>>>,
    /// User values (`debug.getuservalue`).
    pub user_values: RefCell<Vec<Value>>,
}

impl Trace for UserData {
    fn trace(&self, marker: &mut Marker) {
        if let Some(mt) = self.metatable.get() {
            marker.mark(mt);
        }
        for v in self.user_values.borrow().iter() {
            marker.mark_value(*v);
        }
    }
}
