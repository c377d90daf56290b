package lunar

// Struct fields as Lua sees them: the keys of a struct's table, found
// once per type by encoding/json's rules and cached.

import (
	"reflect"
	"slices"
	"strings"
	"sync"
)

// structField is a field as Lua sees it: a key of the struct's table.
type structField struct {
	name      string
	index     []int // path of field indexes, through embedded structs
	omitEmpty bool
	tagged    bool
}

// structInfo lists a struct type's fields in declaration order, with
// indexes by name for decoding.
type structInfo struct {
	fields []structField
	byName map[string]int
	byFold map[string]int // lower-cased names, for case-insensitive matching
}

var structInfos sync.Map // reflect.Type → *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	fields := typeFields(t)
	si := &structInfo{fields: fields, byName: make(map[string]int, len(fields)), byFold: make(map[string]int, len(fields))}
	for i, f := range fields {
		si.byName[f.name] = i
		if _, dup := si.byFold[strings.ToLower(f.name)]; !dup {
			si.byFold[strings.ToLower(f.name)] = i
		}
	}
	actual, _ := structInfos.LoadOrStore(t, si)
	return actual.(*structInfo)
}

// typeFields finds the fields of struct type t, promoting those of
// embedded structs by encoding/json's rules: breadth first, the
// shallowest field of a name wins, a tagged one wins a tie at the same
// depth, and any other tie hides the name.
func typeFields(t reflect.Type) []structField {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var fields []structField
	visited := map[reflect.Type]bool{}
	next := []embedded{{typ: t}}
	for len(next) > 0 {
		current := next
		next = nil
		// A type embedded twice at one depth is walked twice, so that its
		// fields tie and hide each other, as in encoding/json.
		for _, c := range current {
			if visited[c.typ] {
				continue
			}
			for i := 0; i < c.typ.NumField(); i++ {
				sf := c.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("lua")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clip(c.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct && ft != typeTime {
					next = append(next, embedded{typ: ft, index: index})
					continue
				}
				f := structField{name: name, index: index, tagged: name != ""}
				if name == "" {
					f.name = sf.Name
				}
				for opt := range strings.SplitSeq(opts, ",") {
					if opt == "omitempty" {
						f.omitEmpty = true
					}
				}
				fields = append(fields, f)
			}
		}
		for _, c := range current {
			visited[c.typ] = true
		}
	}
	// Keep the dominant field of each name, then restore declaration
	// order.
	slices.SortStableFunc(fields, func(a, b structField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		group := fields[i:j]
		if len(group) == 1 || len(group[0].index) < len(group[1].index) || group[0].tagged && !group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b structField) int { return slices.Compare(a.index, b.index) })
	return out
}
