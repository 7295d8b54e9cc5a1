-- TPC-H Q11: Important Stock Identification, with the specification's validation parameters.
-- Written as in the specification except:
-- FRACTION is 0.0001, its validation value (the specification scales it as 0.0001 / SF; a fixed
-- value keeps the text the same at every scale factor).
select ps_partkey, sum(ps_supplycost * ps_availqty) as value
from partsupp, supplier, nation
where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY'
group by ps_partkey
having sum(ps_supplycost * ps_availqty) > (
    select sum(ps_supplycost * ps_availqty) * 0.0001
    from partsupp, supplier, nation
    where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY')
order by value desc
