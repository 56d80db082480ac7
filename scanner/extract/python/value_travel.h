#pragma once
// Binds values that reach a place of use from elsewhere in the module, before or while the
// analyzer walks it: module constants (visible in every function, wherever they are
// defined), parameter defaults (what a call without that argument gets) and the attributes
// __init__ sets on self (what the other methods read). Each bound value records its origin.
// Only constants and literal strings and dicts travel; walks are bounded by depth and count,
// so a hostile file costs no more than its size.
#include <string>
#include <utility>
#include <vector>

#include "extract/python/evaluator.h"

namespace mlaudit::python {

// Module-level names assigned exactly once to a constant (or literal dict), in source order,
// each bound at module scope as it is found.
std::vector<std::pair<std::string, Value>> module_constants(Evaluator& evaluator, TSNode module);
// The same, before the walk: a function defined above its constant still sees it.
void hoist_module_constants(Evaluator& evaluator, TSNode module);

// A function's parameters and what each holds inside its body: the default when it is a
// travelling value (marked overridable, with its origin), unknown otherwise. Evaluated in
// the enclosing scope; bind them after entering the function's scope.
std::vector<std::pair<std::string, Value>> parameter_values(Evaluator& evaluator, TSNode parameters,
                                                            const std::string& function);

// Records `self.name = value` statements of the class's __init__ (travelling values, names
// assigned once) as class attributes; call between enter_class() and walking the body.
void record_init_attributes(Evaluator& evaluator, TSNode class_body);

}  // namespace mlaudit::python
