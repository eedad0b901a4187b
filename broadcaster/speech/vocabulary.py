"""The built-in word lists of the text normaliser: what is written, and what an announcer says.

A station's own dictionary (``speech.dictionary`` in station.yaml) adds to ABBREVIATIONS or overrides
its entries. Keys are matched as whole words, case-sensitively; the longest key wins.
"""

from __future__ import annotations

# Abbreviations of government and health vocabulary, as written in official announcements.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQVN": "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "MTTQ": "Mặt trận Tổ quốc",
    "BCĐ": "Ban Chỉ đạo",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "UVBCH": "Ủy viên Ban Chấp hành",
    "ĐBQH": "đại biểu Quốc hội",
    "TT. Tỉnh ủy": "Thường trực Tỉnh ủy",
    "TT Tỉnh ủy": "Thường trực Tỉnh ủy",
    "TT. HĐND": "Thường trực Hội đồng nhân dân",
    "TT HĐND": "Thường trực Hội đồng nhân dân",
    "CT": "Chủ tịch",
    "PCT": "Phó Chủ tịch",
    "CVP": "Chánh Văn phòng",
    "PCVP": "Phó Chánh Văn phòng",
    # In signature blocks "Q." is "quyền" (acting) and "P." is "phó" (deputy), not a ward or a district.
    **{f"{short} {title}": f"{said} {title}" for short, said in (("Q.", "quyền"), ("P.", "phó"))
       for title in ("Chủ tịch", "CHỦ TỊCH", "Giám đốc", "GIÁM ĐỐC", "Trưởng", "TRƯỞNG", "Hiệu trưởng",
                     "HIỆU TRƯỞNG")},
    "Lưu: VT": "Lưu: văn thư",
    "Lưu VT": "Lưu văn thư",
    "STTTT": "Sở Thông tin và Truyền thông",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BNV": "Bộ Nội vụ",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "TTBCXB": "Thông tin, Báo chí, Xuất bản",
    "CPCVP": "Chánh, Phó Chánh Văn phòng",
    "HCTC": "Hành chính, Tổ chức",
    "KT.": "ký thay",
    "TM.": "thay mặt",
    "T/M": "thay mặt",
    "TL.": "thừa lệnh",
    "TUQ.": "thừa ủy quyền",
    "V/v": "về việc",
    "b/c": "báo cáo",
    "p/h": "phối hợp",
    "t/h": "thực hiện",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP. HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "TP.": "thành phố",
    "Tp.": "thành phố",
    "TP": "thành phố",
    "TX.": "thị xã",
    "TX": "thị xã",
    "TT.": "thị trấn",
    "VN": "Việt Nam",
    "TTYT": "Trung tâm Y tế",
    "TYT": "Trạm Y tế",
    "BYT": "Bộ Y tế",
    "SYT": "Sở Y tế",
    "CDC": "Trung tâm Kiểm soát bệnh tật",
    "KSBT": "Kiểm soát bệnh tật",
    "WHO": "Tổ chức Y tế Thế giới",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "TT&TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    # In Đắk Nông the district centres merged with the radio stations are "Văn hóa, Thể thao và
    # Truyền thông"; elsewhere VHTT&TT may be "Văn hóa, Thông tin và Thể thao": a station overrides it.
    "VHTT&TT": "Văn hóa, Thể thao và Truyền thông",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "PT-TH": "Phát thanh Truyền hình",
    "PTTH": "Phát thanh Truyền hình",
    "TTĐT": "thông tin điện tử",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "CSGT": "cảnh sát giao thông",
    "PCCC": "phòng cháy, chữa cháy",
    "ATTP": "an toàn thực phẩm",
    "HTX": "hợp tác xã",
    "KCN": "khu công nghiệp",
    "AIDS": "ết",
    "HCM": "Hồ Chí Minh",
    "Đ/c": "đồng chí",
    "đ/c": "đồng chí",
    "SĐT": "số điện thoại",
    "ĐT:": "điện thoại:",
    "MST": "mã số thuế",
    "STK": "số tài khoản",
    "TNHH": "trách nhiệm hữu hạn",
    "Cty": "công ty",
    "THPTQG": "trung học phổ thông quốc gia",
    "GDĐT": "Giáo dục và Đào tạo",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn",
    "NNPTNT": "Nông nghiệp và Phát triển nông thôn",
    "LĐTBXH": "Lao động, Thương binh và Xã hội",
    "LĐ-TB&XH": "Lao động, Thương binh và Xã hội",
    "TN&MT": "Tài nguyên và Môi trường",
    "TNMT": "Tài nguyên và Môi trường",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "GTVT": "Giao thông vận tải",
    "CAND": "Công an nhân dân",
    "QĐND": "Quân đội nhân dân",
    "CHXHCN": "Cộng hòa xã hội chủ nghĩa",
    "KT-XH": "kinh tế, xã hội",
    "KTXH": "kinh tế, xã hội",
    "PCTT&TKCN": "Phòng chống thiên tai và Tìm kiếm cứu nạn",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "ATGT": "an toàn giao thông",
    "ĐBSCL": "Đồng bằng sông Cửu Long",
    "THCS&THPT": "trung học cơ sở và trung học phổ thông",
    "GPMB": "giải phóng mặt bằng",
    "NTM": "nông thôn mới",
    "VNĐ": "đồng",
    "VND": "đồng",
    "ĐVT": "đơn vị tính",
    "CSKH": "chăm sóc khách hàng",
    "TNCS": "Thanh niên Cộng sản",
    "ĐTNCS": "Đoàn Thanh niên Cộng sản",
    "HLHPN": "Hội Liên hiệp Phụ nữ",
    "LHPN": "Liên hiệp Phụ nữ",
    "CCB": "Cựu chiến binh",
    "HND": "Hội Nông dân",
    "SXH": "sốt xuất huyết",
    "TCM": "tay chân miệng",
    "LMLM": "lở mồm long móng",
    "ATVSTP": "an toàn vệ sinh thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm",
    "TTATGT": "trật tự an toàn giao thông",
    "ANTT": "an ninh trật tự",
    "TTATXH": "trật tự an toàn xã hội",
    "QP-AN": "quốc phòng, an ninh",
    "QPAN": "quốc phòng, an ninh",
    "ANQP": "an ninh quốc phòng",
    "CNCH": "cứu nạn, cứu hộ",
    "PCCC&CNCH": "phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "BQL": "Ban Quản lý",
    "BTC": "Ban Tổ chức",
    "BĐBP": "Bộ đội Biên phòng",
    "BCHQS": "Ban Chỉ huy Quân sự",
    "CHQS": "Chỉ huy Quân sự",
    "DQTV": "dân quân tự vệ",
    "NVQS": "nghĩa vụ quân sự",
    "GCN": "giấy chứng nhận",
    "QSDĐ": "quyền sử dụng đất",
    "GCNQSDĐ": "giấy chứng nhận quyền sử dụng đất",
    "HSSV": "học sinh, sinh viên",
    "CBCCVC": "cán bộ, công chức, viên chức",
    "CBCC": "cán bộ, công chức",
    "NLĐ": "người lao động",
    "SXKD": "sản xuất kinh doanh",
    "XDCB": "xây dựng cơ bản",
    "KCB": "khám chữa bệnh",
    "TTHC": "thủ tục hành chính",
    "DVC": "dịch vụ công",
    "CNTT": "công nghệ thông tin",
    "CĐS": "chuyển đổi số",
    "UBKT": "Ủy ban Kiểm tra",
    "TW": "Trung ương",
    "TƯ": "Trung ương",
    "TH&THCS": "tiểu học và trung học cơ sở",
    "BVĐK": "Bệnh viện Đa khoa",
    "KHHGĐ": "kế hoạch hóa gia đình",
    "DS-KHHGĐ": "Dân số, Kế hoạch hóa gia đình",
    "BHTN": "bảo hiểm thất nghiệp",
    "NSNN": "ngân sách nhà nước",
    "TDTT": "thể dục thể thao",
    "VHVN": "văn hóa văn nghệ",
    "KDC": "khu dân cư",
    "TDP": "tổ dân phố",
    "NHCSXH": "Ngân hàng Chính sách xã hội",
    "CSXH": "chính sách xã hội",
    "OCOP": "ô cốp",
    "ATNĐ": "áp thấp nhiệt đới",
    "TBA": "trạm biến áp",
    "MBA": "máy biến áp",
    "STT": "số thứ tự",
    "KTTV": "khí tượng thủy văn",
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học và công nghệ",
}

# Health terms and names written in several ways: a regular expression (case-insensitive) and its reading.
TERMS = (
    (r"covid\s*-?\s*19", "Cô vít mười chín"),
    (r"sars\s*-?\s*cov\s*-?\s*2", "Sát Cô vi hai"),
    (r"ncovi", "en Cô vi"),
    (r"covid", "Cô vít"),
    (r"ncov", "en Cô vi"),
    (r"5k", "năm ca"),
    (r"f0", "ép không"),
    (r"f1", "ép một"),
    (r"f2", "ép hai"),
    (r"f3", "ép ba"),
    (r"v[aắ]c\s*-?\s*xin|vaccines?|vaccin|vacxin", "vắc xin"),
    (r"rt\s*-?\s*pcr", "e rờ tê pê xê e rờ"),
    (r"pcr", "pê xê e rờ"),
    (r"bluezone", "Blu dôn"),
    (r"zalo", "Da lô"),
    (r"facebook", "Phây búc"),
    (r"youtube", "Diu túp"),
    (r"internet", "in tơ nét"),
    (r"độ\s(?-i:C)", "độ xê"),  # "5-8 độ C"; "Độc lập" is not one
)

# Units after a number ("2,5 kg", "95%", "38°C").
UNITS = {
    "%": "phần trăm",
    "km/h": "ki lô mét trên giờ",
    "km2": "ki lô mét vuông",
    "km²": "ki lô mét vuông",
    "km": "ki lô mét",
    "kg": "ki lô gam",
    "mg": "mi li gam",
    "g": "gam",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "m3": "mét khối",
    "m³": "mét khối",
    "cm2": "xăng ti mét vuông",
    "cm²": "xăng ti mét vuông",
    "cm3": "xăng ti mét khối",
    "km3": "ki lô mét khối",
    "cm": "xăng ti mét",
    "mm": "mi li mét",
    "m": "mét",
    "ha": "héc ta",
    "ml": "mi li lít",
    "l": "lít",
    "°C": "độ xê",
    "°N": "độ vĩ Bắc",
    "°E": "độ kinh Đông",
    "oC": "độ xê",  # "35oC", typed without the degree sign
    "°": "độ",
    "VNĐ": "đồng",
    "VND": "đồng",
    "đ": "đồng",
    "tr": "triệu",  # "5tr/tháng"
    "USD": "đô la Mỹ",
    "mm/h": "mi li mét trên giờ",
    "độ C": "độ xê",
    "m/s": "mét trên giây",
    "kWh": "ki lô oát giờ",
    "MW": "mê ga oát",
    "kW": "ki lô oát",
    "kV": "ki lô vôn",
    "kVA": "ki lô vôn am pe",
}

# Words after which "20g" ending a clause is a weight, not hours ("mỗi gói nặng 20g.").
WEIGHT_BEFORE = {"nặng", "cân", "lượng", "gói", "túi", "hộp", "lọ", "liều", "thêm", "gồm", "khoảng", "chừng"}

# What may follow a unit after "/", read "trên": "25.000đ/kg", "5,2 tấn/ha", "10 lít/người".
PER = (*UNITS, "tấn", "tạ", "người", "hộ", "lượt", "giờ", "con", "lít", "ngày", "tuần", "tháng", "năm")

# Letters as they are spelled aloud in codes and unknown acronyms ("NQ-CP": "nờ quy xê pê").
LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê", "F": "ép",
    "G": "gờ", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o",
    "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư",
    "V": "vê", "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}

# Endings of web and e-mail addresses, as people say them ("chinhphu.vn": "chinhphu chấm vi en"); "com" and
# "gov" are said as written.
DOMAIN_ENDINGS = {"vn": "vi en", "org": "o rờ gờ", "net": "nét"}

# Symbols left over once numbers, dates and codes have been read; dashes depend on what is around them.
SYMBOLS = {
    "./.": ".",  # the end mark of an official document
    "%": " phần trăm ",
    "°C": " độ xê ",  # after a range, "35-37°C"
    "°": " độ ",
    "+": " cộng ",
    "&": " và ",
    "=": " bằng ",
    "/": ", ",
    "*": "",  # Markdown emphasis in .md texts
    "#": "",  # Markdown headings
}

# Words after which a/b is a date (ngày 07 và 08/12) rather than a ratio (15/15 huyện).
TIME_OF_DAY = {"sáng", "trưa", "chiều", "tối", "đêm", "khuya", "hôm", "nay", "mai"}
# "Quốc khánh 2/9", "dịp 30/4": a day of the calendar, not a fraction; said without "ngày", like a time of day.
HOLIDAY = {"khánh", "niệm", "dịp", "lễ", "tết"}
DATE_CONTEXT = {"ngày", "mồng", "mùng", "và", "đến", "tới", "từ", "hoặc", "-", "–", "vào", "trước", "sau",
                *TIME_OF_DAY, *HOLIDAY}
# Words after which "29-12" is a date ("đêm 29-12"); elsewhere "3-5 người" is a range.
DAY_DASH_CONTEXT = {"ngày", "mồng", "mùng", *TIME_OF_DAY, *HOLIDAY}
# Words after which digits are a telephone number, read digit by digit ("gọi 115"); "gọi" alone only
# before an emergency number, since "kêu gọi 100% người dân" is a quantity.
CALL_CONTEXT = (r"số điện thoại", r"điện thoại", r"đường dây nóng", r"hotline", r"tổng đài", r"mã số thuế",
                r"mã bưu chính", r"số tài khoản", r"tài khoản", r"mã định danh",
                r"gọi(?:\s+(?:đến|tới))?\s+số", r"gọi(?=\s+11\d(?!\d))")
# Words after which a number of three digits or more is to be dialled or copied, digit by digit, not a
# quantity ("gọi 115", "mã số thuế 0101234567", "mã bưu chính 700000"); lower case, regular expressions.
DIAL_CONTEXT = (r"gọi(?:\s+ngay)?(?:\s+(?:đến|tới|cho))?", r"điện thoại", r"đt", r"sđt", r"hotline", r"đường dây nóng",
                r"tổng đài", r"fax", r"liên hệ", r"mã số thuế", r"mst", r"mã bưu chính", r"mã bưu điện", r"mã số",
                r"số tài khoản", r"tài khoản", r"stk", r"căn cước(?:\s+công dân)?", r"cccd", r"cmnd",
                r"chứng minh nhân dân", r"mã định danh", r"cấp cứu", r"cứu hỏa", r"cứu hoả", r"cứu nạn",
                r"công an", r"cảnh sát", r"khẩn cấp", r"cứu thương", r"cứu hộ", r"(?:qua|theo) số")
# Words that count what a number before them is, so that it is a quantity even after a word of calling
# ("khẩn cấp 125 hộ phải di dời", "công an 120 người").
COUNTED = {"hộ", "người", "con", "ca", "lần", "lượt", "xã", "thôn", "buôn", "trường", "em", "cháu", "nhà", "căn",
           "suất", "chiếc", "xe", "cây", "liều", "mũi", "bệnh", "trẻ", "đơn", "hồ", "học", "cán", "chiến", "đồng",
           "tấn", "điểm", "phòng", "cơ", "doanh", "thửa", "đối", "công", "lao", "gia", "khẩu", "vụ", "trận"}
# Words after which a Roman numeral is a number ("Đại hội XIII", "lần thứ XVII", "khóa XV", "mục II",
# "thế kỷ XXI", "quý I/2025").
ROMAN_CONTEXT = (r"thứ", r"khóa", r"khoá", r"đại hội", r"hội nghị", r"kỳ", r"mục", r"phần", r"chương", r"thế kỷ",
                 r"thế kỉ", r"quý", r"giai đoạn", r"cấp độ", r"loại", r"nhóm", r"hạng", r"tập", r"trung ương",
                 r"vùng", r"khu vực", r"điều", r"phụ lục", r"đợt", r"vòng", r"quân khu",
                 r"báo động")
# Roads, before their number ("QL14", "ĐT 741", "TL.8"), and their milestones ("Km 12+500").
ROADS = {"QL": "quốc lộ", "ĐT": "đường tỉnh", "TL": "tỉnh lộ", "ĐH": "đường huyện", "HL": "hương lộ",
         "Km": "ki lô mét"}
# Address abbreviations before a place's name or number ("q.Cầu Giấy", "kp. 4", "tx. Tân Uyên").
ADDRESS_WORDS = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "kp": "khu phố", "q": "quận", "p": "phường",
                 "h": "huyện", "x": "xã", "t": "tỉnh"}
