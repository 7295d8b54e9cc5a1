-- TPC-H Q6: Forecasting Revenue Change, with the specification's validation parameters.
-- Written as in the specification except:
-- date '1994-01-01' + interval '1' year is written as the date it is, 1995-01-01.
-- The discount range .06 - 0.01 … .06 + 0.01 is written 0.05 … 0.07: the columns are doubles, and
-- in doubles 0.06 + 0.01 = 0.06999999999999999, which would drop the rows whose discount is 0.07.
select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= date '1994-01-01' and l_shipdate < date '1995-01-01'
  and l_discount between 0.05 and 0.07 and l_quantity < 24
