import cohere

co = cohere.ClientV2()
ranked = co.rerank(model="rerank-v3.5", query="refund", documents=["a", "b"])
