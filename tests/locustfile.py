"""Load mix for tests/test_load.py: searches, facet clicks and document pages."""
import random

from locust import HttpUser, between, task

QUERIES = ["再生资源回收", "安全生产", "国务院", "数字化转型", "环境保护", "行政法规", "养老", "教育",
           "\"智能化改造和数字化转型\"", "部门:市工信局", "year:2015-2019 管理", "kind:policy 农业"]
DEPTS = ["苏州市工业和信息化局", "苏州市应急管理局", "国务院办公厅"]


class Researcher(HttpUser):
    wait_time = between(0, 0.05)

    @task(5)
    def search(self) -> None:
        self.client.get("/", params={"q": random.choice(QUERIES)}, name="/ search")

    @task(3)
    def facet_click(self) -> None:
        self.client.get("/", params={"q": random.choice(QUERIES[:8]), "dept": random.choice(DEPTS)},
                        name="/ facet")

    @task(2)
    def api(self) -> None:
        with self.client.get("/api/search", params={"q": random.choice(QUERIES), "per_page": 20},
                             name="/api/search", catch_response=True) as resp:
            doc_ids = [h["doc_id"] for h in resp.json().get("hits", [])] if resp.ok else []
        if doc_ids:
            self.client.get(f"/doc/{random.choice(doc_ids)}", name="/doc")
