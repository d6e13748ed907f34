select * from {{ reference_table('agencies') }}
