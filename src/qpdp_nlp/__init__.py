"""qpdp_nlp: structured facts from Vietnamese local-defence (quốc phòng địa phương) news.

>>> import qpdp_nlp
>>> rec = qpdp_nlp.extract("Dự hội nghị có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn.")
>>> rec.persons[0].rank, rec.persons[0].name
('Thượng tá', 'Nguyễn Quang Long')
"""

__version__ = "0.1.0"

from .records import ArticleRecord, Count, Document, Person, Place, Scope, Unit  # noqa: E402
from .pipeline import Pipeline, extract, extract_many  # noqa: E402

__all__ = [
    "__version__",
    "ArticleRecord",
    "Count",
    "Document",
    "Person",
    "Place",
    "Scope",
    "Unit",
    "Pipeline",
    "extract",
    "extract_many",
]
