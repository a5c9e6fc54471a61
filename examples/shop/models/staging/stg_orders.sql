-- Paid orders only; everything downstream reads this.
select id, customer_id, amount
from {{ source('shop', 'orders') }}
where status = 'paid'
