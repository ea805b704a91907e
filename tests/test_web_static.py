"""Static files: cached for a year, so their URLs must change when the file changes."""

import os
import re


def test_static_urls_carry_a_version_and_long_cache(client, app):
    html = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/static/css/site\.css\?v=(\d+))"', html)
    assert url, "site.css is linked without a version"
    mtime = int(os.stat(os.path.join(app.static_folder, "css/site.css")).st_mtime)
    assert url.group(2) == str(mtime)
    response = client.get(url.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
