#pragma once
// Personal data named in code and schemas: columns a script selects, feature lists a model
// is trained on, fields a request carries, names written to logs, the inputs of a PMML
// model. Each name the category catalog recognises becomes a personal_field fact at the
// place it is written, with its context, unless the project's datasets show that name's
// values are something else (a `telephone` column of yes/no).
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

std::vector<Fact> personal_fields(const std::vector<Fact>& facts);

}  // namespace mlaudit
