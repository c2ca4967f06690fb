"""Education support (教育): the register of disabled children and young people with their
schooling status and its history (学籍状况), education-needs assessment and placement
(一人一案), teaching at home (送教上门) with its plans and visits, out-of-school follow-up
cases (控辍保学), and student aid (助学) per student and year. The compulsory-enrolment and
upper-secondary indicators read the register (``indicators.measures``).
"""
