"""Knowledge vs behaviour: per person and step, do they know it (quizzes) and do it (audits)?"""
