select * from {{ reference_table('service_areas') }}
