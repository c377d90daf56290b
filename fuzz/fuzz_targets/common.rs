//! Checks shared by the chunk and compiler targets (included with
//! `#[path]`, not a target of its own).

use lunar_compile::Proto;
use lunar_compile::chunk::{dump, undump};
use lunar_compile::disasm::disassemble;
use lunar_compile::verify::verify;

/// Checks a prototype that the compiler made or `undump` accepted: it
/// passes the verifier, disassembles, and survives a binary chunk round
/// trip (dump, undump, dump again gives the same bytes), stripped and not.
pub fn check_proto(p: &Proto) {
    if let Err(e) = verify(p) {
        panic!(
            "prototype fails the verifier: {e}\n{}",
            disassemble(p, true)
        );
    }
    let _ = disassemble(p, true);
    for strip in [false, true] {
        let bin = dump(p, strip);
        let q = match undump(&bin, b"=fuzz") {
            Ok(q) => q,
            Err(e) => panic!(
                "a dumped chunk (strip {strip}) fails to load: {e} {:?}",
                e.detail
            ),
        };
        let again = dump(&q, strip);
        if again == bin {
            continue;
        }
        panic!("dump/undump round trip differs (strip {strip})");
    }
}
