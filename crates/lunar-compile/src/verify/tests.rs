//! Tests of the verifier on hand-made code, valid and malformed (Go's
//! TestVerifyRejects, plus the checks the Rust VM relies on).

use std::sync::Arc;

use super::*;
use crate::instruction::OFFSET_SC;
use crate::proto::{LocVar, UpvalueDesc};

fn abc(op: OpCode, a: u32, b: u32, c: u32, k: bool) -> Instruction {
    Instruction::abc(op, a, b, c, k)
}

fn abx(op: OpCode, a: u32, bx: u32) -> Instruction {
    Instruction::abx(op, a, bx)
}

fn jmp(sj: i32) -> Instruction {
    Instruction::isj(OpCode::Jmp, sj)
}

fn extra(ax: u32) -> Instruction {
    Instruction::iax(OpCode::ExtraArg, ax)
}

const RET: Instruction = Instruction::abc(OpCode::Return0, 0, 1, 0, false);

fn base(code: Vec<Instruction>) -> Proto {
    Proto {
        source: b"=v".to_vec().into(),
        max_stack_size: 4,
        line_info: vec![1; code.len()],
        code,
        constants: vec![
            Constant::Str(b"name".to_vec().into()),
            Constant::Int(1),
            Constant::Float(2.5),
        ],
        upvalues: vec![UpvalueDesc {
            name: b"_ENV".to_vec().into(),
            in_stack: true,
            ..Default::default()
        }],
        ..Proto::default()
    }
}

/// A vararg function with `num_params` fixed parameters.
fn vararg(num_params: u8, mut code: Vec<Instruction>) -> Proto {
    code.insert(0, abc(OpCode::VarargPrep, num_params as u32, 0, 0, false));
    let mut p = base(code);
    p.is_vararg = true;
    p.num_params = num_params;
    p
}

fn check(name: &str, p: &Proto, ok: bool) {
    let got = verify(p);
    assert_eq!(got.is_ok(), ok, "{name}: verify = {got:?}");
}

#[test]
fn go_cases() {
    use OpCode::*;
    let add = TagMethod::Add as u32;
    let cases: Vec<(&str, Vec<Instruction>, bool)> = vec![
        ("valid", vec![abx(LoadK, 0, 0), RET], true),
        ("no code", vec![], false),
        ("no return at the end", vec![abx(LoadK, 0, 0)], false),
        (
            "register out of range",
            vec![abc(Move, 4, 0, 0, false), RET],
            false,
        ),
        ("constant out of range", vec![abx(LoadK, 0, 3), RET], false),
        (
            "field name not a string",
            vec![abc(GetField, 0, 0, 1, false), RET],
            false,
        ),
        (
            "upvalue out of range",
            vec![abc(GetUpval, 0, 1, 0, false), RET],
            false,
        ),
        ("jump out of range", vec![jmp(5), RET], false),
        ("jump backwards out of range", vec![jmp(-3), RET], false),
        (
            "test without jump",
            vec![abc(Test, 0, 0, 0, false), RET, RET],
            false,
        ),
        (
            "test with jump",
            vec![abc(Test, 0, 0, 0, false), jmp(0), RET],
            true,
        ),
        (
            "arith without MMBIN",
            vec![abc(Add, 0, 1, 2, false), RET, RET],
            false,
        ),
        (
            "MMBIN first",
            vec![abc(MmBin, 0, 1, add, false), RET],
            false,
        ),
        (
            "bad MMBIN event",
            vec![abc(Add, 0, 1, 2, false), abc(MmBin, 1, 2, 40, false), RET],
            false,
        ),
        (
            "MMBIN event not binary",
            vec![
                abc(Add, 0, 1, 2, false),
                abc(MmBin, 1, 2, TagMethod::Lt as u32, false),
                RET,
            ],
            false,
        ),
        (
            "arith with MMBIN",
            vec![abc(Add, 0, 1, 2, false), abc(MmBin, 1, 2, add, false), RET],
            true,
        ),
        (
            "arith with the wrong MMBIN",
            vec![abc(Add, 0, 1, 2, false), abc(MmBinK, 1, 2, add, false), RET],
            false,
        ),
        (
            "LOADKX without EXTRAARG",
            vec![abx(LoadKX, 0, 0), RET],
            false,
        ),
        (
            "LOADKX with EXTRAARG",
            vec![abx(LoadKX, 0, 0), extra(2), RET],
            true,
        ),
        (
            "LOADKX constant out of range",
            vec![abx(LoadKX, 0, 0), extra(3), RET],
            false,
        ),
        ("closure out of range", vec![abx(Closure, 0, 0), RET], false),
        (
            "call using an unset top",
            vec![abc(Call, 0, 0, 1, false), RET],
            false,
        ),
        (
            "return using an unset top",
            vec![abc(LoadNil, 0, 0, 0, false), abc(Return, 0, 0, 0, false)],
            false,
        ),
        (
            "open call then return",
            vec![abc(Call, 0, 1, 0, false), abc(Return, 0, 0, 0, false)],
            true,
        ),
        (
            "open call then call below it",
            vec![abc(Call, 1, 1, 0, false), abc(Call, 1, 0, 1, false), RET],
            false,
        ),
        (
            "open call then return at a jump target",
            vec![
                jmp(1),
                abc(Call, 0, 1, 0, false),
                abc(Return, 0, 0, 0, false),
            ],
            false,
        ),
        (
            "SETLIST on a non-table",
            vec![
                abc(LoadNil, 0, 0, 0, false),
                abc(SetList, 0, 1, 0, false),
                RET,
            ],
            false,
        ),
        (
            "SETLIST on a new table",
            vec![
                abc(NewTable, 0, 0, 0, false),
                extra(0),
                Instruction::asbx(LoadI, 1, 0),
                abc(SetList, 0, 1, 0, false),
                RET,
            ],
            true,
        ),
        (
            "SETLIST after the table is overwritten",
            vec![
                abc(NewTable, 0, 0, 0, false),
                extra(0),
                abc(Call, 0, 1, 2, false),
                abc(SetList, 0, 1, 0, false),
                RET,
            ],
            false,
        ),
        (
            "VARARGPREP in a fixed function",
            vec![abc(VarargPrep, 0, 0, 0, false), RET],
            false,
        ),
    ];
    for (name, code, ok) in cases {
        check(name, &base(code), ok);
    }

    // Bad stack sizes, parameter counts and nested upvalues.
    let mut p = base(vec![RET]);
    p.max_stack_size = 255;
    check("stack size 255", &p, true);
    p.max_stack_size = 1;
    check("stack size 1", &p, false);
    let mut p = base(vec![RET]);
    p.num_params = 5;
    check("more parameters than registers", &p, false);
    let mut p = base(vec![abx(Closure, 0, 0), RET]);
    let mut sub = base(vec![RET]);
    sub.upvalues[0].index = 10;
    p.protos = vec![Arc::new(sub.clone())];
    check("nested upvalue on register 10 of 4", &p, false);
    sub.upvalues[0].index = 3;
    p.protos = vec![Arc::new(sub.clone())];
    check("nested upvalue on register 3 of 4", &p, true);
    sub.upvalues[0].in_stack = false;
    sub.upvalues[0].index = 1;
    p.protos = vec![Arc::new(sub)];
    check("nested upvalue on enclosing upvalue 1 of 1", &p, false);
}

#[test]
fn shape() {
    let mut p = base(vec![RET]);
    p.line_info.clear();
    check("no line information", &p, false);
    let mut p = base(vec![RET]);
    p.line_info.push(2);
    check("too much line information", &p, false);
    check("bad opcode", &base(vec![Instruction(0x7f), RET]), false);
    check("opcode 83", &base(vec![Instruction(83), RET]), false);
    let mut p = base(vec![RET]);
    p.loc_vars.push(LocVar {
        name: b"x".to_vec().into(),
        start_pc: 0,
        end_pc: 2,
    });
    check("local beyond the code", &p, false);
    p.loc_vars[0].end_pc = 1;
    check("local within the code", &p, true);
    p.loc_vars[0].start_pc = 2;
    check("local ending before it starts", &p, false);
}

#[test]
fn nesting_depth() {
    let mut p = base(vec![RET]);
    for _ in 0..MAX_DEPTH {
        let mut parent = base(vec![abx(OpCode::Closure, 0, 0), RET]);
        parent.protos.push(Arc::new(p));
        p = parent;
    }
    check("nested to the limit", &p, true);
    let mut parent = base(vec![abx(OpCode::Closure, 0, 0), RET]);
    parent.protos.push(Arc::new(p));
    check("nested too deeply", &parent, false);
}

#[test]
fn register_ranges() {
    use OpCode::*;
    let cases: Vec<(&str, Vec<Instruction>, bool)> = vec![
        (
            "LOADNIL to the last register",
            vec![abc(LoadNil, 1, 2, 0, false), RET],
            true,
        ),
        (
            "LOADNIL past the last register",
            vec![abc(LoadNil, 1, 3, 0, false), RET],
            false,
        ),
        (
            "CALL arguments in range",
            vec![abc(Call, 0, 4, 1, false), RET],
            true,
        ),
        (
            "CALL arguments out of range",
            vec![abc(Call, 1, 4, 1, false), RET],
            false,
        ),
        (
            "CALL results out of range",
            vec![abc(Call, 1, 1, 5, false), RET],
            false,
        ),
        (
            "RETURN values in range",
            vec![abc(Return, 1, 4, 0, false)],
            true,
        ),
        (
            "RETURN values out of range",
            vec![abc(Return, 1, 5, 0, false)],
            false,
        ),
        (
            "RETURN nothing with any A",
            vec![abc(Return, 200, 1, 0, false)],
            true,
        ),
        (
            "RETURN0 with any A",
            vec![abc(Return0, 200, 1, 0, false)],
            true,
        ),
        (
            "RETURN1 out of range",
            vec![abc(Return1, 4, 2, 0, false)],
            false,
        ),
        (
            "CONCAT in range",
            vec![abc(Concat, 1, 3, 0, false), RET],
            true,
        ),
        (
            "CONCAT out of range",
            vec![abc(Concat, 2, 3, 0, false), RET],
            false,
        ),
        (
            "CONCAT of nothing",
            vec![abc(Concat, 2, 0, 0, false), RET],
            false,
        ),
        (
            "SELF out of range",
            vec![abc(SelfOp, 3, 0, 0, true), RET],
            false,
        ),
        (
            "SELF with a number key",
            vec![abc(SelfOp, 1, 0, 1, true), RET],
            false,
        ),
        (
            "SELF with a string key",
            vec![abc(SelfOp, 1, 0, 0, true), RET],
            true,
        ),
        (
            "SETTABUP with RK constant",
            vec![abc(SetTabUp, 0, 0, 2, true), RET],
            true,
        ),
        (
            "SETTABUP with RK constant out of range",
            vec![abc(SetTabUp, 0, 0, 3, true), RET],
            false,
        ),
        (
            "SETTABUP with RK register out of range",
            vec![abc(SetTabUp, 0, 0, 4, false), RET],
            false,
        ),
        (
            "SETTABUP key not a string",
            vec![abc(SetTabUp, 0, 1, 0, false), RET],
            false,
        ),
        (
            "ADDK on a string",
            vec![abc(AddK, 0, 1, 0, false), abc(MmBinK, 1, 0, 6, false), RET],
            false,
        ),
        (
            "ADDK on a float",
            vec![abc(AddK, 0, 1, 2, false), abc(MmBinK, 1, 2, 6, false), RET],
            true,
        ),
        (
            "BANDK on a float",
            vec![
                abc(BAndK, 0, 1, 2, false),
                abc(MmBinK, 1, 2, 13, false),
                RET,
            ],
            false,
        ),
        (
            "BANDK on an integer",
            vec![
                abc(BAndK, 0, 1, 1, false),
                abc(MmBinK, 1, 1, 13, false),
                RET,
            ],
            true,
        ),
        (
            "ADDI with MMBINI",
            vec![
                abc(AddI, 0, 1, OFFSET_SC as u32 + 1, false),
                abc(MmBinI, 1, 128, 6, false),
                RET,
            ],
            true,
        ),
        (
            "EQK constant out of range",
            vec![abc(EqK, 0, 3, 0, false), jmp(0), RET],
            false,
        ),
        (
            "TESTSET out of range",
            vec![abc(TestSet, 0, 4, 0, false), jmp(0), RET],
            false,
        ),
        (
            "GETTABLE key out of range",
            vec![abc(GetTable, 0, 1, 4, false), RET],
            false,
        ),
        (
            "SETUPVAL out of range",
            vec![abc(SetUpval, 0, 1, 0, false), RET],
            false,
        ),
        (
            "CLOSE out of range",
            vec![abc(Close, 4, 0, 0, false), RET],
            false,
        ),
    ];
    for (name, code, ok) in cases {
        check(name, &base(code), ok);
    }
}

#[test]
fn loops() {
    use OpCode::*;
    // for i = a, b do end, with registers 0..3.
    let numeric = vec![abx(ForPrep, 0, 0), abx(ForLoop, 0, 1), RET];
    check("numeric for", &base(numeric), true);
    let mut p = base(vec![abx(ForPrep, 0, 0), abx(ForLoop, 0, 1), RET]);
    p.max_stack_size = 3;
    check("numeric for out of registers", &p, false);
    check(
        "FORLOOP without FORPREP",
        &base(vec![abx(ForLoop, 0, 0), RET]),
        false,
    );
    check(
        "FORLOOP after its counter is overwritten",
        &base(vec![
            abx(ForPrep, 0, 1),
            Instruction::asbx(LoadI, 1, 0),
            abx(ForLoop, 0, 2),
            RET,
        ]),
        false,
    );
    check(
        "FORLOOP with its visible variable written",
        &base(vec![
            abx(ForPrep, 0, 1),
            Instruction::asbx(LoadI, 3, 0),
            abx(ForLoop, 0, 2),
            RET,
        ]),
        true,
    );
    check(
        "FORLOOP reached from the exit of FORPREP",
        &base(vec![abx(ForPrep, 0, 1), abx(ForLoop, 0, 1), jmp(-2), RET]),
        false,
    );
    check(
        "FORPREP exit out of range",
        &base(vec![abx(ForPrep, 0, 5), RET]),
        false,
    );

    // for k, v in e do end: TFORPREP, TFORCALL, TFORLOOP need A..A+6.
    let generic = |a: u32, c: u32| {
        vec![
            abx(TForPrep, a, 0),
            abc(TForCall, a, 0, c, false),
            abx(TForLoop, a, 2),
            RET,
        ]
    };
    let mut p = base(generic(0, 2));
    p.max_stack_size = 7;
    check("generic for", &p, true);
    let mut p = base(generic(0, 4));
    p.max_stack_size = 7;
    check("generic for with 4 variables in 7 registers", &p, false);
    let mut p = base(generic(1, 2));
    p.max_stack_size = 7;
    check("generic for out of registers", &p, false);
    let mut p = base(vec![
        abx(TForPrep, 0, 0),
        Instruction::asbx(LoadI, 0, 0),
        RET,
    ]);
    p.max_stack_size = 7;
    check("TFORPREP not to a TFORCALL", &p, false);
    let mut p = base(vec![
        abx(TForPrep, 0, 0),
        abc(TForCall, 0, 0, 2, false),
        RET,
    ]);
    p.max_stack_size = 7;
    check("TFORCALL without TFORLOOP", &p, false);
    let mut p = base(vec![
        abx(TForPrep, 0, 0),
        abc(TForCall, 0, 0, 2, false),
        abx(TForLoop, 1, 2),
        RET,
    ]);
    p.max_stack_size = 8;
    check("TFORLOOP of another loop", &p, false);
}

#[test]
fn control_flow() {
    use OpCode::*;
    check(
        "jump to EXTRAARG",
        &base(vec![jmp(1), abx(LoadKX, 0, 0), extra(0), RET]),
        false,
    );
    check(
        "fall into EXTRAARG",
        &base(vec![Instruction::asbx(LoadI, 0, 0), extra(0), RET]),
        false,
    );
    check(
        "LFALSESKIP over the end",
        &base(vec![abc(LFalseSkip, 0, 0, 0, false), RET]),
        false,
    );
    check(
        "LFALSESKIP",
        &base(vec![
            abc(LFalseSkip, 0, 0, 0, false),
            abc(LoadTrue, 0, 0, 0, false),
            RET,
        ]),
        true,
    );
    check("ends with a jump back", &base(vec![RET, jmp(-2)]), true);
    check(
        "NEWTABLE without EXTRAARG",
        &base(vec![abc(NewTable, 0, 0, 0, false), RET]),
        false,
    );
    check(
        "NEWTABLE hash hint too large",
        &base(vec![abc(NewTable, 0, 20, 0, false), extra(0), RET]),
        false,
    );
    check(
        "NEWTABLE array hint without SETLIST",
        &base(vec![abc(NewTable, 0, 0, 10, false), extra(0), RET]),
        false,
    );
    check(
        "SETLIST with k and EXTRAARG",
        &base(vec![
            abc(NewTable, 0, 0, 0, false),
            extra(0),
            abc(SetList, 0, 1, 0, true),
            extra(1),
            RET,
        ]),
        true,
    );
    check(
        "SETLIST with k without EXTRAARG",
        &base(vec![
            abc(NewTable, 0, 0, 0, false),
            extra(0),
            abc(SetList, 0, 1, 0, true),
            RET,
        ]),
        false,
    );
    check(
        "SETLIST on a captured table",
        &{
            let mut p = base(vec![
                abc(NewTable, 0, 0, 0, false),
                extra(0),
                abx(Closure, 1, 0),
                abc(SetList, 0, 1, 0, false),
                RET,
            ]);
            let mut sub = base(vec![RET]);
            sub.upvalues[0].index = 0;
            p.protos.push(Arc::new(sub));
            p
        },
        false,
    );
}

#[test]
fn varargs() {
    use OpCode::*;
    check(
        "vararg function",
        &vararg(1, vec![abc(Return, 0, 1, 2, false)]),
        true,
    );
    let mut p = vararg(1, vec![abc(Return, 0, 1, 2, false)]);
    p.code.remove(0);
    p.line_info.pop();
    check("vararg function without VARARGPREP", &p, false);
    let mut p = vararg(1, vec![abc(Return, 0, 1, 2, false)]);
    p.code[0].set_a(0);
    check("VARARGPREP with the wrong count", &p, false);
    check(
        "RETURN C in a vararg function",
        &vararg(1, vec![abc(Return, 0, 1, 0, false)]),
        false,
    );
    check(
        "RETURN C in a fixed function",
        &base(vec![abc(Return, 0, 1, 2, false)]),
        false,
    );
    check("RETURN0 in a vararg function", &vararg(0, vec![RET]), false);
    check(
        "TAILCALL C in a vararg function",
        &vararg(
            0,
            vec![abc(TailCall, 0, 1, 0, false), abc(Return, 0, 0, 1, false)],
        ),
        false,
    );
    check(
        "TAILCALL then RETURN",
        &vararg(
            1,
            vec![abc(TailCall, 1, 1, 2, false), abc(Return, 1, 0, 2, false)],
        ),
        true,
    );
    check(
        "VARARG then RETURN",
        &vararg(
            0,
            vec![abc(Vararg, 0, 0, 0, false), abc(Return, 0, 0, 1, false)],
        ),
        true,
    );
    check(
        "VARARG in a fixed function",
        &base(vec![abc(Vararg, 0, 0, 2, false), RET]),
        false,
    );
    check(
        "VARARG of no values",
        &vararg(
            0,
            vec![abc(Vararg, 0, 0, 1, false), abc(Return, 0, 1, 1, false)],
        ),
        true,
    );
    check(
        "VARARG out of range",
        &vararg(
            0,
            vec![abc(Vararg, 2, 0, 4, false), abc(Return, 0, 1, 1, false)],
        ),
        false,
    );
    check(
        "jump to VARARGPREP",
        &vararg(0, vec![jmp(-2), abc(Return, 0, 1, 1, false)]),
        false,
    );
    check(
        "second VARARGPREP",
        &vararg(
            0,
            vec![abc(VarargPrep, 0, 0, 0, false), abc(Return, 0, 1, 1, false)],
        ),
        false,
    );
}

/// Every error names the function and the instruction.
#[test]
fn error_messages() {
    let e = verify(&base(vec![abc(OpCode::Move, 4, 0, 0, false), RET])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "function at line 0: pc 1 (MOVE): register 4 out of 4"
    );
    let e = verify(&base(vec![Instruction(0x7f), RET])).unwrap_err();
    assert_eq!(e.message(), "function at line 0: pc 1: bad opcode 127");
}

/// An instruction that writes no register keeps a loop's counters, even
/// in register 0 (a regression: the empty write range once cleared it).
#[test]
fn loop_counters_survive_instructions_without_writes() {
    use OpCode::*;
    let p = base(vec![
        abx(ForPrep, 0, 2),
        abc(SetUpval, 3, 0, 0, false),
        abc(Tbc, 3, 0, 0, false),
        abx(ForLoop, 0, 3),
        RET,
    ]);
    check("FORLOOP after SETUPVAL and TBC", &p, true);
}

/// The word-at-a-time register ranges agree with a bit-by-bit reference on
/// every range, word boundaries and registers past 255 included.
#[test]
fn reg_set_ranges() {
    let full = RegSet([u64::MAX; 4]);
    for lo in (0..260).step_by(7).chain([63, 64, 127, 128, 191, 192, 255]) {
        for hi in (0..300).step_by(5).chain([63, 64, 127, 128, 191, 192, 255]) {
            let mut want = full;
            for r in lo..=hi.min(255) {
                want.0[(r >> 6) as usize] &= !(1 << (r & 63));
            }
            let mut got = full;
            got.clear(lo, hi);
            assert!(got == want, "clear({lo}, {hi})");
            let any_want = (lo..=hi.min(255)).any(|r| r < 256);
            assert_eq!(full.any(lo, hi), any_want, "any({lo}, {hi})");
            let mut one = RegSet::default();
            one.set(hi.min(255));
            assert_eq!(one.any(lo, hi), lo <= hi.min(255), "any({lo}, {hi}) of one");
        }
    }
}

/// The straight-line table agrees with `successors` on every opcode: an
/// opcode marked there has the next instruction as its one successor,
/// whatever its operands.
#[test]
fn falls_through_matches_successors() {
    for op in OpCode::ALL {
        if !FALLS_THROUGH[op as usize] {
            continue;
        }
        for ins in [
            abc(op, 1, 2, 3, false),
            abc(op, 0, 0, 0, true),
            abx(op, 5, 7),
        ] {
            let p = base(vec![ins, Instruction::isj(OpCode::Jmp, 0), RET]);
            let ops: Vec<OpCode> = p.code.iter().map(|i| i.op().expect("opcode")).collect();
            let s: Vec<i64> = successors(&p, &ops, 0).collect();
            assert_eq!(s, [1], "{op}");
        }
    }
}

/// The one-word register sets agree with the four-word ones on the
/// registers below 64, and ignore the others.
#[test]
fn small_reg_set_ranges() {
    for lo in (0..70).chain([255, 256]) {
        for hi in (0..70).chain([255, 300]) {
            let mut big = RegSet([u64::MAX; 4]);
            big.clear(lo, hi);
            let mut small = SmallRegs(u64::MAX);
            small.clear(lo, hi);
            assert_eq!(small.0, big.0[0], "clear({lo}, {hi})");
            let mut one = SmallRegs::default();
            one.set(hi);
            let mut one_big = RegSet::default();
            one_big.set(hi);
            one_big.0[1..].fill(0);
            assert_eq!(one.0, one_big.0[0], "set({hi})");
            assert_eq!(one.any(lo, hi), one_big.any(lo, hi), "any({lo}, {hi})");
            assert_eq!(one.has(hi), one_big.has(hi) && hi < 64, "has({hi})");
        }
    }
}
