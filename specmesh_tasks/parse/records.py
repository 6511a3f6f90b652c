"""Fast constructors of the model's records, for the reader's hot path.

Each name builds an ordinary instance of the model class it is named after, with the same
parameters (see `model.spec.fast_constructor` for why and how). Code outside the reader keeps
calling the classes themselves.
"""

from __future__ import annotations

from specmesh_tasks.model.spec import (
    CoverageRow,
    Definition,
    DependencyRow,
    DomainItem,
    FeatureIndexRow,
    HeaderField,
    Location,
    Marker,
    Problem,
    Reference,
    RequirementRow,
    RuleRow,
    ScreenIndexRow,
    Section,
    SpecDoc,
    Table,
    TableRow,
    UseCase,
    fast_constructor,
)

new_coverage_row = fast_constructor(CoverageRow)
new_definition = fast_constructor(Definition)
new_dependency_row = fast_constructor(DependencyRow)
new_domain_item = fast_constructor(DomainItem)
new_feature_index_row = fast_constructor(FeatureIndexRow)
new_header_field = fast_constructor(HeaderField)
new_location = fast_constructor(Location)
new_marker = fast_constructor(Marker)
new_problem = fast_constructor(Problem)
new_reference = fast_constructor(Reference)
new_requirement_row = fast_constructor(RequirementRow)
new_rule_row = fast_constructor(RuleRow)
new_screen_index_row = fast_constructor(ScreenIndexRow)
new_section = fast_constructor(Section)
new_spec_doc = fast_constructor(SpecDoc)
new_table = fast_constructor(Table)
new_table_row = fast_constructor(TableRow)
new_use_case = fast_constructor(UseCase)
