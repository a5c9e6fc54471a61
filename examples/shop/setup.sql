-- Source tables the example models read. Safe to run more than once.
CREATE TABLE IF NOT EXISTS public.orders (
  id INT PRIMARY KEY,
  customer_id INT,
  amount NUMERIC,
  status VARCHAR
);
INSERT INTO public.orders (id, customer_id, amount, status) VALUES
  (1, 10, 40, 'paid'),
  (2, 10, 85, 'paid'),
  (3, 11, 20, 'cancelled'),
  (4, 12, 300, 'paid'),
  (5, 11, 60, 'paid')
ON CONFLICT (id) DO NOTHING;
