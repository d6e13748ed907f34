select * from {{ reference_table('departments') }}
