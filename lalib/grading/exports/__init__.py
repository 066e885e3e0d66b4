"""``lalib export``: hand the grader's results to an LMS in the LMS's own format.

* :mod:`.gradescope`: an autograder zip (``setup.sh``, ``run_autograder``) that grades one submission
  inside Gradescope's container and writes ``results.json``;
* :mod:`.canvas`: the gradebook CSV Canvas imports, filled into the one the instructor exported;
* :mod:`.moodle`: the offline grading worksheet filled in, and the feedback-files zip;
* :mod:`.names`: what each LMS's file names say (Canvas user id, LATE, Moodle participant id).
"""
