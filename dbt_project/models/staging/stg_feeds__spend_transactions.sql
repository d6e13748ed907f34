with source as (
    select * from {{ source('feeds', 'spend_transactions') }}
),

renamed as (
    select
        payment_date,
        cast({{ financial_year_start_of_date('payment_date') }} as integer) as financial_year_start,
        area_code,
        service_area,
        funding_line,
        supplier_name,
        expense_type,
        cast(amount_gbp as decimal(18, 2)) as amount_gbp,
        transaction_id,
        data_provenance,
        source_file,
        source_row
    from source
)

select * from renamed
