"""What the routing tests share: a directory like the seed one (Chiang Rai and a national focal point)
and a few real places."""
from __future__ import annotations


def committee(cid, level, province=None, district=None, parent=None, active=True) -> dict:
    """One directory entry as storage.directory.directory_snapshot gives it."""
    return {"id": cid, "level": level, "province_code": province, "district_code": district,
            "parent_id": parent, "active": active}


DIRECTORY = [
    committee("TH-NATIONAL", "national"),
    committee("CRI-57", "province", "57", parent="TH-NATIONAL"),
    *(committee(f"CRI-{code}", "district", "57", code, "CRI-57")
      for code in ("5709", "5708", "5703", "5713", "5715", "5704")),
]

MAE_SAI = (20.4335, 99.8762)
CHIANG_KHONG_TOWN = (20.2640, 100.4060)     # by the Mekong, a few hundred metres from [S88]'s town point
BANGKOK = (13.7563, 100.5018)
