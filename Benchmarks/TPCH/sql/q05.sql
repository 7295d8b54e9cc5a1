-- TPC-H Q5: Local Supplier Volume, with the specification's validation parameters.
-- Written as in the specification except:
-- date '1994-01-01' + interval '1' year is written as the date it is, 1995-01-01;
-- FROM lists the tables from region down (the specification: customer, orders, lineitem,
-- supplier, nation, region): the joins run in FROM order, and starting from the one region's
-- nations keeps every join small; so nation meets customer, and the specification's
-- s_nationkey = n_nationkey is written c_nationkey = n_nationkey (the same, as c_nationkey = s_nationkey).
select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from region, nation, customer, orders, lineitem, supplier
where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
  and c_nationkey = s_nationkey and c_nationkey = n_nationkey and n_regionkey = r_regionkey
  and r_name = 'ASIA'
  and o_orderdate >= date '1994-01-01' and o_orderdate < date '1995-01-01'
group by n_name
order by revenue desc
