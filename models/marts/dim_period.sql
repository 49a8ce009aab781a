-- The reporting periods (month, quarter, year, term) with their first and last day: the one place
-- the dashboard and exports read period spans from.
select * from {{ ref('int_periods') }}
