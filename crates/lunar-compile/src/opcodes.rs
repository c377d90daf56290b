//! The Lua 5.4 opcodes: one macro table ([`for_each_op!`](crate::for_each_op)) lists every
//! opcode once, with its name, instruction format and the flags of the
//! reference's `luaP_opmodes`; the [`OpCode`] enum, its names, formats and
//! flags are derived from it. Also the metamethod events ([`TagMethod`]) that
//! the MMBIN family names in its C operand.

/// Calls `$m!` with the table of every opcode, in the reference's order.
///
/// Each entry is `Variant = "NAME", Format, [mm, ot, it, t, a];` preceded by
/// its doc comment, where the flags are those of the reference's
/// `luaP_opmodes`: `mm` a metamethod call (the MMBIN family), `ot` sets the
/// stack top ("out top": C = 0 leaves results up to the top), `it` uses the
/// stack top ("in top": B = 0 takes operands up to the top), `t` a test
/// (always followed by a jump), `a` assigns register A.
///
/// Notation: R\[x\] is register x of the current frame, K\[x\] constant x, U\[x\]
/// upvalue x, sB/sC signed immediates, k the k bit, pc the index of the next
/// instruction. "RK(C)" is K\[C\] when k is set, else R\[C\].
///
/// Code that must handle every opcode (the disassembler, the verifier, the
/// VM's dispatch loop) matches [`OpCode`] exhaustively, without a wildcard,
/// so that an opcode added here that some part does not handle fails to
/// compile.
#[macro_export]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            /// `A B`: R\[A\] := R\[B\]
            Move = "MOVE", Abc, [0, 0, 0, 0, 1];
            /// `A sBx`: R\[A\] := sBx (integer)
            LoadI = "LOADI", AsBx, [0, 0, 0, 0, 1];
            /// `A sBx`: R\[A\] := float(sBx)
            LoadF = "LOADF", AsBx, [0, 0, 0, 0, 1];
            /// `A Bx`: R\[A\] := K\[Bx\]
            LoadK = "LOADK", Abx, [0, 0, 0, 0, 1];
            /// `A`: R\[A\] := K\[extra arg\]
            LoadKX = "LOADKX", Abx, [0, 0, 0, 0, 1];
            /// `A`: R\[A\] := false
            LoadFalse = "LOADFALSE", Abc, [0, 0, 0, 0, 1];
            /// `A`: R\[A\] := false; pc++
            LFalseSkip = "LFALSESKIP", Abc, [0, 0, 0, 0, 1];
            /// `A`: R\[A\] := true
            LoadTrue = "LOADTRUE", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\], ..., R\[A+B\] := nil
            LoadNil = "LOADNIL", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\] := U\[B\]
            GetUpval = "GETUPVAL", Abc, [0, 0, 0, 0, 1];
            /// `A B`: U\[B\] := R\[A\]
            SetUpval = "SETUPVAL", Abc, [0, 0, 0, 0, 0];
            /// `A B C`: R\[A\] := U\[B\]\[K\[C\]:string\]
            GetTabUp = "GETTABUP", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\]\[R\[C\]\]
            GetTable = "GETTABLE", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\]\[C\]
            GetI = "GETI", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\]\[K\[C\]:string\]
            GetField = "GETFIELD", Abc, [0, 0, 0, 0, 1];
            /// `A B C k`: U\[A\]\[K\[B\]:string\] := RK(C)
            SetTabUp = "SETTABUP", Abc, [0, 0, 0, 0, 0];
            /// `A B C k`: R\[A\]\[R\[B\]\] := RK(C)
            SetTable = "SETTABLE", Abc, [0, 0, 0, 0, 0];
            /// `A B C k`: R\[A\]\[B\] := RK(C)
            SetI = "SETI", Abc, [0, 0, 0, 0, 0];
            /// `A B C k`: R\[A\]\[K\[B\]:string\] := RK(C)
            SetField = "SETFIELD", Abc, [0, 0, 0, 0, 0];
            /// `A B C k`: R\[A\] := {} (B: log2(hash size)+1, C: array size,
            /// k: C has an extra arg)
            NewTable = "NEWTABLE", Abc, [0, 0, 0, 0, 1];
            /// `A B C k`: R\[A+1\] := R\[B\]; R\[A\] := R\[B\]\[RK(C):string\]
            SelfOp = "SELF", Abc, [0, 0, 0, 0, 1];
            /// `A B sC`: R\[A\] := R\[B\] + sC
            AddI = "ADDI", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] + K\[C\]:number
            AddK = "ADDK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] - K\[C\]:number
            SubK = "SUBK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] * K\[C\]:number
            MulK = "MULK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] % K\[C\]:number
            ModK = "MODK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] ^ K\[C\]:number
            PowK = "POWK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] / K\[C\]:number
            DivK = "DIVK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] // K\[C\]:number
            IDivK = "IDIVK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] & K\[C\]:integer
            BAndK = "BANDK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] | K\[C\]:integer
            BOrK = "BORK", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] ~ K\[C\]:integer
            BXorK = "BXORK", Abc, [0, 0, 0, 0, 1];
            /// `A B sC`: R\[A\] := R\[B\] >> sC
            ShrI = "SHRI", Abc, [0, 0, 0, 0, 1];
            /// `A B sC`: R\[A\] := sC << R\[B\]
            ShlI = "SHLI", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] + R\[C\]
            Add = "ADD", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] - R\[C\]
            Sub = "SUB", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] * R\[C\]
            Mul = "MUL", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] % R\[C\]
            Mod = "MOD", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] ^ R\[C\]
            Pow = "POW", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] / R\[C\]
            Div = "DIV", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] // R\[C\]
            IDiv = "IDIV", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] & R\[C\]
            BAnd = "BAND", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] | R\[C\]
            BOr = "BOR", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] ~ R\[C\]
            BXor = "BXOR", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] << R\[C\]
            Shl = "SHL", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: R\[A\] := R\[B\] >> R\[C\]
            Shr = "SHR", Abc, [0, 0, 0, 0, 1];
            /// `A B C`: call C metamethod over R\[A\] and R\[B\] (result to the
            /// previous instruction's A)
            MmBin = "MMBIN", Abc, [1, 0, 0, 0, 0];
            /// `A sB C k`: call C metamethod over R\[A\] and sB (k: operands
            /// swapped)
            MmBinI = "MMBINI", Abc, [1, 0, 0, 0, 0];
            /// `A B C k`: call C metamethod over R\[A\] and K\[B\] (k: operands
            /// swapped)
            MmBinK = "MMBINK", Abc, [1, 0, 0, 0, 0];
            /// `A B`: R\[A\] := -R\[B\]
            Unm = "UNM", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\] := ~R\[B\]
            BNot = "BNOT", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\] := not R\[B\]
            Not = "NOT", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\] := #R\[B\] (length operator)
            Len = "LEN", Abc, [0, 0, 0, 0, 1];
            /// `A B`: R\[A\] := R\[A\].. ... ..R\[A + B - 1\]
            Concat = "CONCAT", Abc, [0, 0, 0, 0, 1];
            /// `A`: close all upvalues and to-be-closed variables >= R\[A\]
            Close = "CLOSE", Abc, [0, 0, 0, 0, 0];
            /// `A`: mark variable A "to be closed"
            Tbc = "TBC", Abc, [0, 0, 0, 0, 0];
            /// `sJ`: pc += sJ
            Jmp = "JMP", SJ, [0, 0, 0, 0, 0];
            /// `A B k`: if ((R\[A\] == R\[B\]) ~= k) then pc++
            Eq = "EQ", Abc, [0, 0, 0, 1, 0];
            /// `A B k`: if ((R\[A\] < R\[B\]) ~= k) then pc++
            Lt = "LT", Abc, [0, 0, 0, 1, 0];
            /// `A B k`: if ((R\[A\] <= R\[B\]) ~= k) then pc++
            Le = "LE", Abc, [0, 0, 0, 1, 0];
            /// `A B k`: if ((R\[A\] == K\[B\]) ~= k) then pc++
            EqK = "EQK", Abc, [0, 0, 0, 1, 0];
            /// `A sB k`: if ((R\[A\] == sB) ~= k) then pc++ (C: 1 if the
            /// original operand was a float)
            EqI = "EQI", Abc, [0, 0, 0, 1, 0];
            /// `A sB k`: if ((R\[A\] < sB) ~= k) then pc++ (C: isfloat)
            LtI = "LTI", Abc, [0, 0, 0, 1, 0];
            /// `A sB k`: if ((R\[A\] <= sB) ~= k) then pc++ (C: isfloat)
            LeI = "LEI", Abc, [0, 0, 0, 1, 0];
            /// `A sB k`: if ((R\[A\] > sB) ~= k) then pc++ (C: isfloat)
            GtI = "GTI", Abc, [0, 0, 0, 1, 0];
            /// `A sB k`: if ((R\[A\] >= sB) ~= k) then pc++ (C: isfloat)
            GeI = "GEI", Abc, [0, 0, 0, 1, 0];
            /// `A k`: if (not R\[A\] == k) then pc++
            Test = "TEST", Abc, [0, 0, 0, 1, 0];
            /// `A B k`: if (not R\[B\] == k) then pc++ else R\[A\] := R\[B\]
            TestSet = "TESTSET", Abc, [0, 0, 0, 1, 1];
            /// `A B C`: R\[A\], ... ,R\[A+C-2\] := R\[A](R\[A+1\], ... ,R\[A+B-1\])
            /// (B=0: arguments up to top; C=0: results set top)
            Call = "CALL", Abc, [0, 1, 1, 0, 1];
            /// `A B C k`: return R\[A](R\[A+1\], ... ,R\[A+B-1\]) (k: close
            /// upvalues and to-be-closed variables first; C>0: vararg
            /// function with C-1 fixed parameters)
            TailCall = "TAILCALL", Abc, [0, 1, 1, 0, 1];
            /// `A B C k`: return R\[A\], ... ,R\[A+B-2\] (B=0: up to top; k:
            /// close first; C as in TAILCALL)
            Return = "RETURN", Abc, [0, 0, 1, 0, 0];
            /// return
            Return0 = "RETURN0", Abc, [0, 0, 0, 0, 0];
            /// `A`: return R\[A\]
            Return1 = "RETURN1", Abc, [0, 0, 0, 0, 0];
            /// `A Bx`: update counters; if loop continues then pc -= Bx
            ForLoop = "FORLOOP", Abx, [0, 0, 0, 0, 1];
            /// `A Bx`: check values and prepare counters; if not to run
            /// then pc += Bx+1
            ForPrep = "FORPREP", Abx, [0, 0, 0, 0, 1];
            /// `A Bx`: create upvalue for R\[A + 3\]; pc += Bx
            TForPrep = "TFORPREP", Abx, [0, 0, 0, 0, 0];
            /// `A C`: R\[A+4\], ... ,R\[A+3+C\] := R\[A](R\[A+1\], R\[A+2\])
            TForCall = "TFORCALL", Abc, [0, 0, 0, 0, 0];
            /// `A Bx`: if R\[A+4\] ~= nil then { R\[A+2\] := R\[A+4\]; pc -= Bx }
            TForLoop = "TFORLOOP", Abx, [0, 0, 0, 0, 1];
            /// `A B C k`: R\[A\]\[C+i\] := R\[A+i\], 1 <= i <= B (B=0: up to top;
            /// k: C has an extra arg)
            SetList = "SETLIST", Abc, [0, 0, 1, 0, 0];
            /// `A Bx`: R\[A\] := closure(KPROTO\[Bx\])
            Closure = "CLOSURE", Abx, [0, 0, 0, 0, 1];
            /// `A C`: R\[A\], R\[A+1\], ..., R\[A+C-2\] = vararg (C=0: all, set top)
            Vararg = "VARARG", Abc, [0, 1, 0, 0, 1];
            /// `A`: adjust vararg parameters (A: number of fixed parameters)
            VarargPrep = "VARARGPREP", Abc, [0, 0, 1, 0, 1];
            /// `Ax`: extra (larger) argument for the previous opcode
            ExtraArg = "EXTRAARG", Ax, [0, 0, 0, 0, 0];
        }
    };
}

/// An instruction's encoding layout (the reference's `OpMode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum OpFormat {
    /// `iABC`: op(7) A(8) k(1) B(8) C(8)
    Abc,
    /// `iABx`: op(7) A(8) Bx(17)
    Abx,
    /// `iAsBx`: op(7) A(8) sBx(17, signed, excess-K)
    AsBx,
    /// `iAx`: op(7) Ax(25)
    Ax,
    /// `isJ`: op(7) sJ(25, signed, excess-K)
    SJ,
}

macro_rules! define_opcodes {
    ($( $(#[$doc:meta])* $op:ident = $name:literal, $fmt:ident,
        [$mm:literal, $ot:literal, $it:literal, $t:literal, $a:literal]; )*) => {
        /// A Lua 5.4 opcode. The values are dense (0..=82, as in Lua 5.4) so
        /// that the VM's `match` compiles to a jump table.
        ///
        /// Being `#[repr(u8)]` with the values `0..NUM_OPCODES`, every byte
        /// below [`NUM_OPCODES`] is a valid `OpCode`: code that passed
        /// [`verify`](crate::verify::verify) may turn
        /// [`Instruction::opcode_byte`](crate::Instruction::opcode_byte) into
        /// an `OpCode` without a check (the `opcode_table` test pins the
        /// values).
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum OpCode {
            $( $(#[$doc])* $op, )*
        }

        impl OpCode {
            /// Every opcode, indexed by its value.
            pub const ALL: [OpCode; NUM_OPCODES] = [ $( OpCode::$op, )* ];

            /// The opcode's name as the disassembler prints it ("MOVE").
            #[inline]
            pub const fn name(self) -> &'static str {
                match self { $( OpCode::$op => $name, )* }
            }

            /// The opcode's instruction format.
            #[inline]
            pub const fn format(self) -> OpFormat {
                match self { $( OpCode::$op => OpFormat::$fmt, )* }
            }

            /// True for the MMBIN family (`luaP_opmodes`' "mm" flag).
            #[inline]
            pub const fn is_mm(self) -> bool {
                match self { $( OpCode::$op => $mm != 0, )* }
            }

            /// True when the instruction may set the stack top (C = 0 in
            /// CALL, TAILCALL, VARARG; the reference's "ot" flag).
            #[inline]
            pub const fn sets_top(self) -> bool {
                match self { $( OpCode::$op => $ot != 0, )* }
            }

            /// True when the instruction may use the stack top set by the
            /// previous instruction (B = 0 in CALL, TAILCALL, RETURN,
            /// SETLIST; the reference's "it" flag).
            #[inline]
            pub const fn uses_top(self) -> bool {
                match self { $( OpCode::$op => $it != 0, )* }
            }

            /// True for comparisons and tests, which are always followed by a
            /// jump (the reference's "t" flag).
            #[inline]
            pub const fn is_test(self) -> bool {
                match self { $( OpCode::$op => $t != 0, )* }
            }

            /// True when the instruction assigns register A (the reference's
            /// "a" flag).
            #[inline]
            pub const fn sets_a(self) -> bool {
                match self { $( OpCode::$op => $a != 0, )* }
            }
        }
    };
}

/// The number of opcodes.
pub const NUM_OPCODES: usize = {
    macro_rules! count_ops {
        ($( $(#[$doc:meta])* $op:ident = $name:literal, $fmt:ident,
            [$mm:literal, $ot:literal, $it:literal, $t:literal, $a:literal]; )*) => {
            0 $( + { let _ = $name; 1 } )*
        };
    }
    for_each_op!(count_ops)
};

for_each_op!(define_opcodes);

// Every opcode must fit the instruction's 7-bit opcode field.
const _: () = assert!(NUM_OPCODES <= 1 << crate::instruction::SIZE_OP);

impl OpCode {
    /// The opcode of value `b`, or `None` when no opcode has that value.
    #[inline]
    pub const fn from_u8(b: u8) -> Option<OpCode> {
        if (b as usize) < NUM_OPCODES {
            Some(OpCode::ALL[b as usize])
        } else {
            None
        }
    }

    /// For an arithmetic or bitwise operation, the MMBIN-family instruction
    /// that must follow it (the VM runs it when the fast path fails).
    #[inline]
    pub const fn mm_follower(self) -> Option<OpCode> {
        use OpCode::*;
        match self {
            AddI | ShrI | ShlI => Some(MmBinI),
            AddK | SubK | MulK | ModK | PowK | DivK | IDivK | BAndK | BOrK | BXorK => Some(MmBinK),
            Add | Sub | Mul | Mod | Pow | Div | IDiv | BAnd | BOr | BXor | Shl | Shr => Some(MmBin),
            _ => None,
        }
    }
}

impl std::fmt::Display for OpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// A metamethod event, in the order the MMBIN family's C operand uses (the
/// reference's `TMS` enumeration).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TagMethod {
    /// `__index`
    Index,
    /// `__newindex`
    NewIndex,
    /// `__gc`
    Gc,
    /// `__mode`
    Mode,
    /// `__len`
    Len,
    /// `__eq`
    Eq,
    /// `__add`
    Add,
    /// `__sub`
    Sub,
    /// `__mul`
    Mul,
    /// `__mod`
    Mod,
    /// `__pow`
    Pow,
    /// `__div`
    Div,
    /// `__idiv`
    IDiv,
    /// `__band`
    BAnd,
    /// `__bor`
    BOr,
    /// `__bxor`
    BXor,
    /// `__shl`
    Shl,
    /// `__shr`
    Shr,
    /// `__unm`
    Unm,
    /// `__bnot`
    BNot,
    /// `__lt`
    Lt,
    /// `__le`
    Le,
    /// `__concat`
    Concat,
    /// `__call`
    Call,
    /// `__close`
    Close,
}

/// The number of metamethod events.
pub const NUM_TAG_METHODS: usize = 25;

/// Each event's metatable key, indexed by [`TagMethod`].
pub const TAG_METHOD_NAMES: [&str; NUM_TAG_METHODS] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__len",
    "__eq",
    "__add",
    "__sub",
    "__mul",
    "__mod",
    "__pow",
    "__div",
    "__idiv",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__unm",
    "__bnot",
    "__lt",
    "__le",
    "__concat",
    "__call",
    "__close",
];

impl TagMethod {
    /// Every event, indexed by its value.
    pub const ALL: [TagMethod; NUM_TAG_METHODS] = {
        use TagMethod::*;
        [
            Index, NewIndex, Gc, Mode, Len, Eq, Add, Sub, Mul, Mod, Pow, Div, IDiv, BAnd, BOr,
            BXor, Shl, Shr, Unm, BNot, Lt, Le, Concat, Call, Close,
        ]
    };

    /// The event's metatable key ("__add").
    #[inline]
    pub const fn name(self) -> &'static str {
        TAG_METHOD_NAMES[self as usize]
    }

    /// The event of value `b`, or `None`.
    #[inline]
    pub const fn from_u8(b: u8) -> Option<TagMethod> {
        if (b as usize) < NUM_TAG_METHODS {
            Some(TagMethod::ALL[b as usize])
        } else {
            None
        }
    }

    /// True for the events an MMBIN-family instruction may name: the
    /// binary arithmetic and bitwise ones (`__add` .. `__shr`), plus
    /// `__unm` and `__bnot`.
    #[inline]
    pub const fn is_binary_event(self) -> bool {
        let v = self as u8;
        (v >= TagMethod::Add as u8 && v <= TagMethod::Shr as u8)
            || v == TagMethod::Unm as u8
            || v == TagMethod::BNot as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every opcode has a unique name, its value is its index, and the set
    /// fits the 7-bit field (Go's TestOpcodeTable).
    #[test]
    fn opcode_table() {
        assert_eq!(NUM_OPCODES, 83, "Lua 5.4 has 83 opcodes");
        let mut names = std::collections::HashSet::new();
        for (i, op) in OpCode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(OpCode::from_u8(i as u8), Some(*op));
            assert!(!op.name().is_empty());
            assert!(names.insert(op.name()), "duplicate name {}", op.name());
            assert_eq!(op.to_string(), op.name());
        }
        assert_eq!(OpCode::from_u8(NUM_OPCODES as u8), None);
        assert_eq!(OpCode::from_u8(255), None);
        assert_eq!(OpCode::ExtraArg as usize, 82);
        assert_eq!(OpCode::Jmp as usize, 56);
        assert_eq!(OpCode::Call as usize, 68);
    }

    #[test]
    fn opcode_flags_match_reference() {
        use OpCode::*;
        assert_eq!(Jmp.format(), OpFormat::SJ);
        assert_eq!(LoadI.format(), OpFormat::AsBx);
        assert_eq!(Closure.format(), OpFormat::Abx);
        assert_eq!(ExtraArg.format(), OpFormat::Ax);
        assert!(Call.uses_top() && Call.sets_top() && Call.sets_a());
        assert!(Vararg.sets_top() && !Vararg.uses_top());
        assert!(SetList.uses_top() && !SetList.sets_a());
        assert!(TestSet.is_test() && TestSet.sets_a());
        assert!(MmBinK.is_mm() && !Add.is_mm());
        let tests = OpCode::ALL.iter().filter(|o| o.is_test()).count();
        assert_eq!(tests, 11);
        for op in OpCode::ALL {
            if let Some(mm) = op.mm_follower() {
                assert!(mm.is_mm() && op.sets_a(), "{op}");
            }
        }
    }

    #[test]
    fn tag_methods() {
        assert_eq!(TagMethod::ALL.len(), TAG_METHOD_NAMES.len());
        for (i, tm) in TagMethod::ALL.iter().enumerate() {
            assert_eq!(*tm as usize, i);
            assert_eq!(TagMethod::from_u8(i as u8), Some(*tm));
        }
        assert_eq!(TagMethod::Close.name(), "__close");
        assert_eq!(TagMethod::Add.name(), "__add");
        assert!(TagMethod::Shr.is_binary_event() && TagMethod::BNot.is_binary_event());
        assert!(!TagMethod::Lt.is_binary_event() && !TagMethod::Eq.is_binary_event());
        assert_eq!(TagMethod::from_u8(25), None);
    }
}
