import socket, sqlite3, pytest, httpx
def test_sqlite_and_chroma_ok(tmp_path):
    sqlite3.connect(tmp_path / "x.db").execute("select 1")
    import chromadb
    c = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    col = c.create_collection("x")
    col.add(ids=["a"], embeddings=[[0.1, 0.2, 0.3]], documents=["hi"])
    assert col.query(query_embeddings=[[0.1, 0.2, 0.3]], n_results=1)["ids"] == [["a"]]
