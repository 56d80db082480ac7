#pragma once
// Personal data named in code and schemas: columns a script selects, feature lists a model
// is trained on, fields a request carries, names written to logs, the inputs of a PMML
// model. Each name the category catalog recognises becomes a personal_field fact at the
// place it is written, with its context, unless the project's datasets show that name's
// values are something else (a `telephone` column of yes/no), or the file's code handles a
// well-known table without data subjects (abalone, Titanic: a note says so instead).
#include <vector>

#include "facts/diagnostic.h"
#include "facts/fact.h"

namespace mlaudit {

std::vector<Fact> personal_fields(const std::vector<Fact>& facts, std::vector<Diagnostic>& diagnostics);

}  // namespace mlaudit
